package dev.baton.web;

import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.server.handlers.resource.ResourceManager;
import io.undertow.util.ETag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One folder of static files served under a URL prefix, and its options: {@code app.staticFiles("/", "public")} from
 * the classpath (inside the fat jar), {@code app.staticFiles("/assets", Path.of("/srv/www"), s -> ...)} from a
 * directory. The serving itself is Undertow's {@code ResourceHandler} (see {@link StaticHandler}).
 */
public final class StaticFiles {

    private final String prefix;
    private final String classpathFolder;
    private final Path directory;
    private String cacheControl;
    private String spaFallback;
    private boolean followSymlinks;

    private StaticFiles(String prefix, String classpathFolder, Path directory) {
        this.prefix = prefix(prefix);
        this.classpathFolder = classpathFolder;
        this.directory = directory;
    }

    /** Files of the classpath folder {@code folder} (e.g. {@code public}, i.e. {@code src/main/resources/public}). */
    public static StaticFiles classpath(String prefix, String folder) {
        Objects.requireNonNull(folder, "folder");
        String trimmed = folder.replaceAll("^/+|/+$", "");
        // An empty folder would serve the whole classpath: classes, META-INF and every library's resources.
        if (trimmed.isEmpty() || trimmed.contains("..") || trimmed.contains("\\")) {
            throw new IllegalArgumentException("a classpath folder of static files is a folder name like public: " + folder);
        }
        return new StaticFiles(prefix, trimmed, null);
    }

    /** Files of {@code directory}, which must exist when the app starts. */
    public static StaticFiles directory(String prefix, Path directory) {
        return new StaticFiles(prefix, null, Objects.requireNonNull(directory, "directory"));
    }

    /** The {@code Cache-Control} sent with every file (and its 304s), e.g. {@code max-age=3600}; none by default. */
    public StaticFiles cacheControl(String value) {
        this.cacheControl = Cors.fieldValue("Cache-Control", value);
        return this;
    }

    /**
     * The file (a path inside this folder, e.g. {@code /index.html}) that answers a GET of a path that is no file
     * when the client accepts HTML: a single-page app's client-side routes. Scripts, images and API calls that
     * miss still get their 404.
     */
    public StaticFiles spaFallback(String file) {
        if (file == null || !file.startsWith("/") || file.contains("..")) {
            throw new IllegalArgumentException("the SPA fallback is a file path starting with /, like /index.html: " + file);
        }
        this.spaFallback = file;
        return this;
    }

    /**
     * Follows symbolic links inside a directory root, wherever they point. Off by default: a link dropped into the
     * web root (by a deploy script or an upload) must not publish what it points to.
     */
    public StaticFiles followSymlinks() {
        this.followSymlinks = true;
        return this;
    }

    String prefix() {
        return prefix;
    }

    String cacheControl() {
        return cacheControl;
    }

    String spaFallback() {
        return spaFallback;
    }

    /** The path inside this folder that {@code path} (canonical) names, or null when it is not under the prefix. */
    String relative(String path) {
        if (prefix.equals("/")) {
            return path;
        }
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix) && path.charAt(prefix.length()) == '/' ? path.substring(prefix.length()) : null;
    }

    ResourceManager resourceManager(ClassLoader loader) {
        if (classpathFolder != null) {
            return new ClassPathResourceManager(loader, classpathFolder);
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("the static files directory " + directory + " does not exist");
        }
        try {
            // The real path: the root itself may be a symlink (a re-pointed release directory); links below it
            // are what followSymlinks is about. PathResourceManager makes no ETag on its own.
            return PathResourceManager.builder().setBase(directory.toRealPath()).setFollowLinks(followSymlinks)
                    .setSafePaths(new String[0]).setETagFunction(StaticFiles::etag).build();
        } catch (IOException e) {
            throw new UncheckedIOException("the static files directory " + directory + " cannot be read", e);
        }
    }

    /** Size and modification time, as nginx makes them: stable across generations serving the same file. */
    static ETag etag(Path file) {
        try {
            return etag(Files.size(file), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            return null;
        }
    }

    static ETag etag(long size, long modified) {
        return new ETag(false, Long.toHexString(modified) + "-" + Long.toHexString(size));
    }

    private static String prefix(String prefix) {
        if (prefix == null || !prefix.startsWith("/") || prefix.contains("//") || prefix.contains("{")
                || prefix.contains("..") || prefix.length() > 1 && prefix.endsWith("/")) {
            throw new IllegalArgumentException("a static files prefix is / or a path like /assets: " + prefix);
        }
        return prefix;
    }

    @Override
    public String toString() {
        return prefix + " -> " + (classpathFolder != null ? "classpath:" + classpathFolder : directory.toString());
    }
}
