// The product version, shown by `attest --version` and /api/version.
export const VERSION = '0.1.0';
