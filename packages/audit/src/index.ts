export { hammingDistance, perceptualHash } from './perceptual-hash.js';
export { candidatePairs, type CandidatePairs } from './hash-index.js';
export { SSIM_WINDOW, ssim, ssimOf, ssimStats, type SsimStats } from './ssim.js';
export { describeGroup, type DuplicateGroup, type DuplicateMember, type DuplicatePair, type DuplicateScope } from './duplicate-group.js';
export { ODDITY_KINDS, findOddities, type ImageOddity, type ImageProfile, type OddityKind, type OddityOptions } from './image-oddities.js';
export { auditHtml } from './audit-html.js';
// The error type every export here throws, so a user of this package alone can branch on `code`.
export { FpdbError, isFpdbError, type FpdbErrorCode, type FpdbErrorDetails } from '@fpdb/schema';
