package dev.rkv.table;

/**
 * The result of decoding a header: a status, the header when {@link HeaderStatus#OK}, and a
 * reason for the others.
 */
public record HeaderRead(HeaderStatus status, TableHeader header, String detail) {

    static HeaderRead failed(HeaderStatus status, String detail) {
        return new HeaderRead(status, null, detail);
    }

    public boolean ok() {
        return status == HeaderStatus.OK;
    }
}
