/** Folder of the per-spec logs of apps under test, relative to the project root. */
export declare const SPEC_LOG_DIR: string;
/** Where the output of apps under test goes while the spec file `testPath` runs. */
export declare function specLogPath(rootDir: string, testPath: string): string;
