package dev.baton.routing;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The path parameters of one match: an unmodifiable map in pattern order whose values are read out of the
 * path only when first asked for. A lookup then costs this one small object instead of a map, its entries
 * and a substring per parameter, and a handler that reads no parameter never pays for them.
 */
final class PathParams extends AbstractMap<String, String> {

    private final PathPattern pattern;
    private final String path;
    // Filled on the first read. Volatile because a match found on an IO thread may be read on another, and
    // the array's elements, unlike final fields, are not safely published by a plain write.
    private volatile String[] values;

    PathParams(PathPattern pattern, String path) {
        this.pattern = pattern;
        this.path = path;
    }

    @Override
    public int size() {
        return pattern.names().length;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public String get(Object key) {
        int index = indexOf(key);
        return index < 0 ? null : read()[index];
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return PathParams.this.size();
            }

            @Override
            public Iterator<Entry<String, String>> iterator() {
                String[] names = pattern.names();
                String[] values = read();
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next == names.length) {
                            throw new NoSuchElementException();
                        }
                        int index = next++;
                        return new SimpleImmutableEntry<>(names[index], values[index]);
                    }
                };
            }
        };
    }

    /** A linear scan: routes have a handful of parameters at most, fewer than it takes a hash to pay off. */
    private int indexOf(Object key) {
        String[] names = pattern.names();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private String[] read() {
        String[] read = values;
        if (read == null) {
            // Two threads may both read the path; they compute equal arrays, so either may win.
            read = pattern.values(path);
            values = read;
        }
        return read;
    }
}
