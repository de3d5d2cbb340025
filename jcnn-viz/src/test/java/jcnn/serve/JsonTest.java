package jcnn.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() throws Exception {
        Object v = Json.parse(" {\"a\": [1, -2.5e2, 0.125], \"b\": \"x\\\"\\u00e9\\n\", \"c\": true, \"d\": null, \"e\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1.0, -250.0, 0.125), m.get("a"));
        assertEquals("x\"\u00e9\n", m.get("b"));
        assertEquals(Boolean.TRUE, m.get("c"));
        assertSame(Json.NULL, m.get("d"));
        assertEquals(Map.of(), m.get("e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(m.keySet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "{a:1}", "[1 2]", "NaN", "01", "1.", "-", "\"abc",
            "{\"a\":1} x", "[\"\\x\"]", "tru", "{\"a\":1,\"a\":2}", "[1e999]", "\"a\u0001\""})
    void refusesMalformedText(String text) {
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
    }

    @Test
    void refusesDeepNestingWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000);
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper than 64"), e.getMessage());
    }

    @Test
    void writesWhatItReads() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n tab \t ctrl \u0001");
        m.put("n", List.of(1, 2.5, -0.001, 1e-7, 123456789.0));
        m.put("f", new float[] {0.5f, Float.NaN});
        m.put("i", new int[] {3, 4});
        m.put("b", false);
        m.put("z", null);
        String text = Json.write(m);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text);
        assertEquals(m.get("s"), back.get("s"));
        assertEquals(List.of(1.0, 2.5, -0.001, 1e-7, 123456789.0), back.get("n"));
        assertEquals(List.of(0.5, Json.NULL), back.get("f"));
        assertEquals(List.of(3.0, 4.0), back.get("i"));
        assertEquals(Boolean.FALSE, back.get("b"));
        assertSame(Json.NULL, back.get("z"));
        assertEquals("[1,2.5,1e-07]", Json.write(List.of(1.0, 2.5, 1e-7)));
    }
}
