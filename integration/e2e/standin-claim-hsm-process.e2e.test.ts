import { claimedCoreSuite } from './claimed-core-suite.js';

claimedCoreSuite({ hsm: true, what: 'token objects', jobPrefix: 'claimed-hsm' });
