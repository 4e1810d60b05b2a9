package dev.rkv.kvserver.config;

import static dev.rkv.kvserver.config.KeyspaceEventClasses.ALL;
import static dev.rkv.kvserver.config.KeyspaceEventClasses.EXPIRED;
import static dev.rkv.kvserver.config.KeyspaceEventClasses.KEYEVENT;
import static dev.rkv.kvserver.config.KeyspaceEventClasses.KEYSPACE;
import static dev.rkv.kvserver.config.KeyspaceEventClasses.KEY_MISS;
import static dev.rkv.kvserver.config.KeyspaceEventClasses.NEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeyspaceEventClassesTest {

    @Test
    void everyClassLetterSpelledOutReadsBackAsA() throws Exception {
        assertEquals(ALL, KeyspaceEventClasses.parse("g$lshzxetd"));
        assertEquals("A", KeyspaceEventClasses.format(KeyspaceEventClasses.parse("dtexzhsl$g")));
    }

    @Test
    void channelLettersAndMissesFollowTheClassesInAFixedOrder() throws Exception {
        assertEquals("AKE", KeyspaceEventClasses.format(KeyspaceEventClasses.parse("KEA")));
        assertEquals("glE", KeyspaceEventClasses.format(KeyspaceEventClasses.parse("Elg")));
        assertEquals("$nKEm", KeyspaceEventClasses.format(KeyspaceEventClasses.parse("EKmn$")));
        assertEquals("xK", KeyspaceEventClasses.format(KeyspaceEventClasses.parse("Kxx")));
        assertEquals("", KeyspaceEventClasses.format(KeyspaceEventClasses.parse("")));
    }

    @Test
    void newIsNotPartOfAButStaysSelectedWhenAHidesIt() throws Exception {
        int classes = KeyspaceEventClasses.parse("KEAn");
        assertEquals(ALL | NEW | KEYSPACE | KEYEVENT, classes);
        assertEquals("AKE", KeyspaceEventClasses.format(classes));
        assertEquals(KEY_MISS | EXPIRED, KeyspaceEventClasses.parse("mx"));
    }

    @Test
    void anUnknownLetterIsRedisError() {
        ConfigException e = assertThrows(ConfigException.class, () -> KeyspaceEventClasses.parse("KEq"));
        assertEquals("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", e.getMessage());
        assertThrows(ConfigException.class, () -> KeyspaceEventClasses.parse("a"));
    }
}
