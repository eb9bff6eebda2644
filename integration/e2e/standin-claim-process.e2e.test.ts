import { claimedCoreSuite } from './claimed-core-suite.js';

claimedCoreSuite({ hsm: false, what: 'certificate and key', jobPrefix: 'claimed-files' });
