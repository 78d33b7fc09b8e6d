package dev.baton.web;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.RangeAwareResource;
import io.undertow.server.handlers.resource.Resource;
import io.undertow.util.ETag;
import io.undertow.util.MimeMappings;
import java.io.File;
import java.net.URL;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

/**
 * A resource of Undertow's with an ETag added: classpath resources ({@code URLResource}) have none, and without one
 * a browser can only revalidate by date. Everything else is the resource's own, ranges included.
 */
final class TaggedResource implements RangeAwareResource {

    private final Resource resource;
    private final ETag etag;

    private TaggedResource(Resource resource, ETag etag) {
        this.resource = resource;
        this.etag = etag;
    }

    /** {@code resource} itself when it has an ETag (or is a directory), else the same with one from size and date. */
    static Resource of(Resource resource) {
        if (resource == null || resource.isDirectory() || resource.getETag() != null) {
            return resource;
        }
        Long size = resource.getContentLength();
        Date modified = resource.getLastModified();
        if (size == null || modified == null) {
            return resource;
        }
        return new TaggedResource(resource, StaticFiles.etag(size, modified.getTime()));
    }

    @Override
    public ETag getETag() {
        return etag;
    }

    @Override
    public void serveRange(Sender sender, HttpServerExchange exchange, long start, long end, IoCallback completionCallback) {
        ((RangeAwareResource) resource).serveRange(sender, exchange, start, end, completionCallback);
    }

    @Override
    public boolean isRangeSupported() {
        return resource instanceof RangeAwareResource ranged && ranged.isRangeSupported();
    }

    @Override
    public String getPath() {
        return resource.getPath();
    }

    @Override
    public Date getLastModified() {
        return resource.getLastModified();
    }

    @Override
    public String getLastModifiedString() {
        return resource.getLastModifiedString();
    }

    @Override
    public String getName() {
        return resource.getName();
    }

    @Override
    public boolean isDirectory() {
        return resource.isDirectory();
    }

    @Override
    public List<Resource> list() {
        return resource.list();
    }

    @Override
    public String getContentType(MimeMappings mimeMappings) {
        return resource.getContentType(mimeMappings);
    }

    @Override
    public void serve(Sender sender, HttpServerExchange exchange, IoCallback completionCallback) {
        resource.serve(sender, exchange, completionCallback);
    }

    @Override
    public Long getContentLength() {
        return resource.getContentLength();
    }

    @Override
    public String getCacheKey() {
        return resource.getCacheKey();
    }

    @Override
    public File getFile() {
        return resource.getFile();
    }

    @Override
    public Path getFilePath() {
        return resource.getFilePath();
    }

    @Override
    public File getResourceManagerRoot() {
        return resource.getResourceManagerRoot();
    }

    @Override
    public Path getResourceManagerRootPath() {
        return resource.getResourceManagerRootPath();
    }

    @Override
    public URL getUrl() {
        return resource.getUrl();
    }
}
