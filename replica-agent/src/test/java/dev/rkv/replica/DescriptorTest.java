package dev.rkv.replica;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The descriptor's wire form as a replica parses it. */
class DescriptorTest {
    private static final String TEXT = """
        rkv-descriptor=1
        provider=shm
        host=0.0.0.0
        port=4242
        address=8192
        length=1048576
        rkey=7
        epoch=3
        replid=0123456789012345678901234567890123456789
        offset=99
        streamdb=2
        geometry=TableGeometry{length=1048576}
        """;

    @Test
    void parsesEveryFieldAndReplacesAWildcardHost() {
        Descriptor d = Descriptor.parse(TEXT, "10.0.0.5");
        assertEquals("shm", d.provider());
        assertEquals("10.0.0.5", d.host());
        assertEquals(4242, d.port());
        assertEquals(8192, d.region().address());
        assertEquals(1048576, d.region().length());
        assertEquals(7, d.region().rkey());
        assertEquals(3, d.epoch());
        assertEquals(99, d.offset());
        assertEquals(2, d.streamDb());
        assertEquals(8, d.withRkey(8).region().rkey());
    }

    @Test
    void missingOrMalformedFieldsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Descriptor.parse(TEXT.replace("rkey=7\n", ""), "h"));
        assertTrue(e.getMessage().contains("descriptor has no rkey"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Descriptor.parse(TEXT.replace("port=4242", "port=x"), "h"));
        assertTrue(e.getMessage().contains("descriptor field port must be a number, was 'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Descriptor.parse("rkv-descriptor=2\n", "h"));
        assertTrue(e.getMessage().contains("version must be 1, was 2"), e.getMessage());
    }

    @Test
    void optionsAreValidatedWithTheirLimits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ReplicaAgentOptions.defaults().withEndpoints(0).validate());
        assertEquals("endpoints must be between 1 and 16, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReplicaAgentOptions.defaults().withProvider("rxe").validate());
        assertTrue(e.getMessage().startsWith("provider must be one of"), e.getMessage());
    }
}
