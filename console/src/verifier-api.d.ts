// The verifier chunk's interface as the console's type check sees it (tsconfig paths): its types only, so the check
// never walks into the verifier's Node-typed modules. console/verifier/proof-verifier.ts implements exactly this type.
import type { InspectBundle } from '../../src/verify/inspect-types';

export declare const inspectBundle: InspectBundle;
