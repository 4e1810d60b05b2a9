package dev.rkv.table;

import dev.rkv.table.layout.TableHeaderDescriptor;

import java.util.Objects;

/**
 * A decoded header: where everything is ({@link #geometry()}), which epoch of the table this
 * is, and up to which replication offset the table holds every write.
 *
 * @param version           the header's seqlock version when read
 * @param epoch             changes when the table is rebuilt (grown); a replica that sees it
 *                          change, or sees {@link #retired()}, restarts its pull
 * @param replicationOffset every write with an offset up to this one is in the table
 * @param replid            the primary's 40-character replication id
 * @param flags             {@link TableHeaderDescriptor#FLAG_RETIRED}
 * @param slotsWritten      per class, the slots below which every slot ever written lies
 * @param overflowWritten   the overflow blocks below which every block ever written lies
 */
public record TableHeader(long version, long epoch, long replicationOffset, String replid, int flags, TableGeometry geometry,
                          long[] slotsWritten, long overflowWritten) {

    public TableHeader {
        Objects.requireNonNull(replid, "replid");
        Objects.requireNonNull(geometry, "geometry");
        slotsWritten = slotsWritten.clone();
        if (slotsWritten.length != geometry.classCount()) {
            throw new IllegalArgumentException(slotsWritten.length + " written bounds for " + geometry.classCount() + " classes");
        }
    }

    /** The slots of class {@code classId} a full pull must read: those below its written bound. */
    public long slotsWritten(int classId) {
        return slotsWritten[classId];
    }

    @Override
    public long[] slotsWritten() {
        return slotsWritten.clone();
    }

    /** The ranges a full pull READs: {@link TableGeometry#pullPlan(int, long[], long)} up to the written bounds. */
    public java.util.List<TableGeometry.PullRange> pullPlan(int maxBytes) {
        return geometry.pullPlan(maxBytes, slotsWritten, overflowWritten);
    }

    /** The writer moved on to a new region (a new epoch): this one no longer changes. */
    public boolean retired() {
        return (flags & TableHeaderDescriptor.FLAG_RETIRED) != 0;
    }

    /**
     * Whether a pull that started on {@code start} must start again now that the header reads
     * {@code this}: the epoch changed or the table was retired.
     */
    public boolean invalidates(TableHeader start) {
        return epoch != start.epoch || retired();
    }
}
