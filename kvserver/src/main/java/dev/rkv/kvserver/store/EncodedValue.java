package dev.rkv.kvserver.store;

/**
 * A non-string value that knows the encoding Redis would report for it in OBJECT ENCODING
 * ("listpack", "quicklist", "intset", "hashtable", "skiplist" ...), which usually depends on
 * its size. Type families implement it on their immutable value classes.
 */
public interface EncodedValue {
    String encodingName();
}
