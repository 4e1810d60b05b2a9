package dev.rkv.replica;

import dev.rkv.table.TableGeometry;

import java.io.IOException;

/**
 * What a replica agrees to pull, checked against what a primary says before anything is
 * sized from it: the descriptor's region must fit the memory this replica may use, and the
 * table the header describes must lie inside that region, keep every class's slot count
 * within what one pull can track (one int per slot), and keep every slot within one READ.
 * A primary that breaks one is broken or hostile; the sync fails with a message naming the
 * value and the limit, and the link retries later.
 */
final class PullLimits {
    /** Most slots of one class a pull tracks: one int each, in one array. */
    static final long MAX_SLOTS_PER_CLASS = Integer.MAX_VALUE - 8;

    private final ReplicaAgentOptions options;

    PullLimits(ReplicaAgentOptions options) {
        this.options = options;
    }

    /** The region a descriptor names, before connecting to it. */
    void checkRegion(Descriptor d) throws IOException {
        long length = d.region().length();
        if (length > options.maxTableBytes()) {
            throw new IOException("the primary's table region is " + length + " bytes, more than this replica accepts (largest table "
                + options.maxTableBytes() + " bytes; the default is twice the JVM's largest heap)");
        }
    }

    /**
     * The table a header describes, before anything is allocated or READ for it. A class's slots
     * must each fit one READ only when the bulk pull reads it (some written); a primary sizes every
     * class with some room, also those no value has used yet (larger than a small READ size).
     */
    void checkTable(TableGeometry g, long[] slotsWritten, Descriptor d) throws IOException {
        long region = d.region().length();
        if (g.tableLength() > region) {
            throw new IOException("the primary's table header describes a table of " + g.tableLength() + " bytes, more than the " + region
                + "-byte region the primary registered");
        }
        for (int c = 0; c < g.classCount(); c++) {
            if (g.slotCount(c) > MAX_SLOTS_PER_CLASS) {
                throw new IOException("the primary's table header describes " + g.slotCount(c) + " slots in class " + c
                    + ", more than one pull can track (" + MAX_SLOTS_PER_CLASS + ")");
            }
            if (slotsWritten[c] > 0 && g.slotSize(c) > options.readBytes()) {
                throw new IOException("the primary's table has slots of " + g.slotSize(c) + " bytes in class " + c
                    + ", larger than one READ of this replica (" + options.readBytes() + " bytes): raise the READ size");
            }
        }
    }
}
