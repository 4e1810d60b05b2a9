package dev.rkv.rdma.disni;

import com.ibm.disni.RdmaActiveEndpoint;
import com.ibm.disni.RdmaActiveEndpointGroup;
import com.ibm.disni.verbs.IbvWC;
import com.ibm.disni.verbs.RdmaCmId;

import java.io.IOException;

/** DiSNI's active endpoint: its CQ thread calls {@link #dispatchCqEvent}, which we forward. */
final class DisniEndpoint extends RdmaActiveEndpoint {
    private volatile DisniQueuePair pair;

    DisniEndpoint(RdmaActiveEndpointGroup<DisniEndpoint> group, RdmaCmId id, boolean serverSide) throws IOException {
        super(group, id, serverSide);
    }

    void attach(DisniQueuePair p) {
        this.pair = p;
    }

    @Override
    public void dispatchCqEvent(IbvWC wc) {
        DisniQueuePair p = pair;
        if (p != null) {
            p.onCompletion(wc);
        }
    }
}
