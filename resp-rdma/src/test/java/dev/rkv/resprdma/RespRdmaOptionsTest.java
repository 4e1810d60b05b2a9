package dev.rkv.resprdma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RespRdmaOptionsTest {
    @Test
    void defaultsFollowValkey() {
        RespRdmaOptions o = RespRdmaOptions.defaults();
        assertEquals(1 << 20, o.rxSize());
        assertEquals(Duration.ofSeconds(3), o.keepalive());
        assertEquals(1024, o.sendDepth());
        assertEquals(1024, o.recvDepth());
    }

    @Test
    void rxSizeOutsideValkeysRangeIsRefusedWithTheLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RespRdmaOptions.defaults().withRxSize(65535));
        assertTrue(e.getMessage().contains("65535") && e.getMessage().contains("65536"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RespRdmaOptions.defaults().withRxSize((16 << 20) + 1));
        assertEquals(16 << 20, RespRdmaOptions.defaults().withRxSize(16 << 20).rxSize());
    }

    @Test
    void silenceTimeoutMustExceedTheKeepaliveOrBeOff() {
        assertThrows(IllegalArgumentException.class,
                () -> RespRdmaOptions.defaults().withKeepalive(Duration.ofSeconds(3), Duration.ofSeconds(3)));
        assertEquals(Duration.ZERO,
                RespRdmaOptions.defaults().withKeepalive(Duration.ofSeconds(3), Duration.ZERO).silenceTimeout());
    }
}
