package dev.rkv.rdma;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorTest {
    @Test
    void reportsEveryProviderWithAReason() {
        List<Doctor.Line> lines = Doctor.report();
        assertEquals(List.of("soft", "shm", "disni"), lines.stream().map(Doctor.Line::provider).toList());
        assertTrue(lines.get(0).available(), "soft runs anywhere");
        for (Doctor.Line l : lines) {
            assertFalse(l.detail().isBlank(), l.toString());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int available = Doctor.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(lines.stream().filter(Doctor.Line::available).count(), available);
        assertTrue(text.startsWith("soft   available"), text);
    }

    @Test
    void unknownProviderNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Providers.byName("ib"));
        assertTrue(e.getMessage().contains("[soft, shm, disni]"), e.getMessage());
        assertEquals("shm", Providers.byName("SHM").name());
    }
}
