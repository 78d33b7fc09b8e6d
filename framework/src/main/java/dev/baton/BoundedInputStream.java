package dev.baton;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Ends the request with 413 as soon as a body (chunked ones included) grows past the limit. */
final class BoundedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    BoundedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(int n) {
        count += n;
        if (count > limit) {
            throw new HttpException(413, "request body is larger than " + limit + " bytes");
        }
    }
}
