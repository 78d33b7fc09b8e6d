package dev.baton.maven;

import java.nio.file.Path;

/** One build of the app jar: compile, then package. */
interface Build {

    /**
     * What a build came to. {@code jar} is the new jar, written where nothing runs from it (the dev loop renames
     * it over the deploy path); null when the build failed, with {@code failure} saying why (or null when the
     * tool reported the failure in full already, as the compiler does).
     */
    record Result(Path jar, long compileNanos, long packageNanos, String failure) {
        boolean ok() {
            return jar != null;
        }
    }

    /** Builds; {@code changed} is what changed since the last build (null for the first build: everything). */
    Result run(java.util.Set<Path> changed) throws InterruptedException;
}
