export { trustCa } from '../../src/testing/trust-ca';
