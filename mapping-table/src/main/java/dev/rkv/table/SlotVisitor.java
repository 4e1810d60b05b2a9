package dev.rkv.table;

import dev.rkv.table.layout.SlotStatus;
import dev.rkv.table.layout.SlotView;

/** Receives each slot {@link TableReader#decodeRange} decodes. */
@FunctionalInterface
public interface SlotVisitor {

    /**
     * @param view valid only during the call, and only when {@code status} is
     *             {@link SlotStatus#OK}
     */
    void onSlot(int classId, long slotIndex, SlotStatus status, SlotView view);
}
