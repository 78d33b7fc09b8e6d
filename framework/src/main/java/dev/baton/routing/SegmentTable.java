package dev.baton.routing;

/**
 * A trie node's static children by segment text: an open-addressing hash table that is looked up with a
 * region of the request path, hashed in place, where a {@code HashMap} would need a substring per segment
 * and a sorted list a binary search comparing the segment again and again.
 */
final class SegmentTable<V> {

    private String[] keys;
    private int[] hashes;
    private Object[] values;
    private int size;

    /** The value for the segment {@code path[start, end)}, or null. */
    @SuppressWarnings("unchecked") // values holds only what put stored, all V
    V get(String path, int start, int end) {
        if (size == 0) {
            return null; // most nodes below a resource: skip hashing the segment
        }
        // String.hashCode's own formula, so a key's cached hashCode() matches the region's.
        int hash = 0;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + path.charAt(i);
        }
        int length = end - start;
        int mask = keys.length - 1;
        for (int i = spread(hash) & mask; keys[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == hash && keys[i].length() == length && path.startsWith(keys[i], start)) {
                return (V) values[i];
            }
        }
        return null;
    }

    /** Adds a key that is not in the table yet. */
    void put(String key, V value) {
        if (keys == null) {
            keys = new String[4];
            hashes = new int[4];
            values = new Object[4];
        } else if (2 * (size + 1) > keys.length) {
            grow(); // at most half full, so that probe runs stay short
        }
        insert(key, key.hashCode(), value);
        size++;
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        Object[] oldValues = values;
        keys = new String[2 * oldKeys.length];
        hashes = new int[keys.length];
        values = new Object[keys.length];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], oldHashes[i], oldValues[i]);
            }
        }
    }

    private void insert(String key, int hash, Object value) {
        int mask = keys.length - 1;
        int i = spread(hash) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        hashes[i] = hash;
        values[i] = value;
    }

    /** Like HashMap: folds the high bits into the low ones that the mask keeps. */
    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
