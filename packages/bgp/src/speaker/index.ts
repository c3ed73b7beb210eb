export { Speaker, createSpeaker } from './speaker.js';
export type { ListeningAddress } from './speaker.js';
export { SpeakerError, SpeakerErrorCode } from './errors.js';
export type { FamilyInput, FamilyInfo } from './families.js';
export { resolveFamily } from './families.js';
export type { RouteAttributes, ExportSession } from './routes.js';
export { exportRoute, routePathInfo, selfNextHop } from './routes.js';
export type * from './types.js';
