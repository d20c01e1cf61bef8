/** Kept equal to package.json by a test: the instrumentation scope's name and version. */
export const PACKAGE_NAME = '@nexus-otel/instrumentation-azure-ai';
export const PACKAGE_VERSION = '0.1.0';
