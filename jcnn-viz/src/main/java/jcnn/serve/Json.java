package jcnn.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON the server reads and writes (RFC 8259), small and strict: {@link #parse} gives {@code Map<String, Object>}
 * (insertion-ordered), {@code List<Object>}, {@code String}, {@code Double}, {@code Boolean} or {@link #NULL}, and
 * refuses anything else (trailing commas, comments, NaN, unquoted keys, text after the value) with an error naming
 * the offset. Nesting deeper than {@value #MAX_DEPTH} levels is refused, so hostile input cannot exhaust the stack.
 * {@link #write} turns maps, lists, strings, numbers, booleans, null and primitive arrays into text.
 */
public final class Json {
    /** The JSON value {@code null} (a map cannot hold Java's null in every implementation). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    public static final int MAX_DEPTH = 64;

    private Json() {}

    /** A parse error; {@link #offset()} is where in the text it was found. */
    public static final class ParseException extends Exception {
        private final int offset;

        ParseException(String message, int offset) {
            super("malformed JSON at offset " + offset + ": " + message);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------------

    public static Object parse(String text) throws ParseException {
        Parser p = new Parser(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) throw new ParseException("unexpected text after the value", p.pos);
        return v;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        Object value(int depth) throws ParseException {
            if (depth > MAX_DEPTH) throw new ParseException("nested deeper than " + MAX_DEPTH + " levels", pos);
            if (pos >= s.length()) throw new ParseException("unexpected end of input", pos);
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw new ParseException("unexpected character '" + printable(c) + "'", pos);
                }
            };
        }

        Map<String, Object> object(int depth) throws ParseException {
            Map<String, Object> out = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return out;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') throw new ParseException("expected a quoted key", pos);
                int at = pos;
                String key = string();
                if (out.containsKey(key)) throw new ParseException("duplicate key \"" + key + "\"", at);
                skipSpace();
                expect(':');
                skipSpace();
                out.put(key, value(depth + 1));
                skipSpace();
                char c = peek();
                pos++;
                if (c == '}') return out;
                if (c != ',') throw new ParseException("expected ',' or '}'", pos - 1);
            }
        }

        List<Object> array(int depth) throws ParseException {
            List<Object> out = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return out;
            }
            while (true) {
                skipSpace();
                out.add(value(depth + 1));
                skipSpace();
                char c = peek();
                pos++;
                if (c == ']') return out;
                if (c != ',') throw new ParseException("expected ',' or ']'", pos - 1);
            }
        }

        String string() throws ParseException {
            int start = pos;
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw new ParseException("unterminated string", start);
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c < 0x20) throw new ParseException("control character in a string", pos - 1);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) throw new ParseException("unterminated string", start);
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw new ParseException("truncated \\u escape", pos - 2);
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new ParseException("bad \\u escape", pos - 2);
                        }
                        pos += 4;
                    }
                    default -> throw new ParseException("bad escape '\\" + printable(e) + "'", pos - 2);
                }
            }
        }

        Double number() throws ParseException {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) pos++;
            } else {
                throw new ParseException("expected a digit", pos);
            }
            if (peek() == '.') {
                pos++;
                if (!isDigit(peek())) throw new ParseException("expected a digit after '.'", pos);
                while (isDigit(peek())) pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!isDigit(peek())) throw new ParseException("expected a digit in the exponent", pos);
                while (isDigit(peek())) pos++;
            }
            double v = Double.parseDouble(s.substring(start, pos));
            if (!Double.isFinite(v)) throw new ParseException("number out of range", start);
            return v;
        }

        Object literal(String word, Object value) throws ParseException {
            if (!s.startsWith(word, pos)) throw new ParseException("unexpected word (expected " + word + ")", pos);
            pos += word.length();
            return value;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void expect(char c) throws ParseException {
            if (peek() != c) throw new ParseException("expected '" + c + "'", pos);
            pos++;
        }

        static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        static String printable(char c) {
            return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------------

    /** The JSON text of a value: Map (String keys), List, String, Number, Boolean, null/{@link #NULL}, float[], double[], int[]. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Number n -> number(sb, n.doubleValue());
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case Iterable<?> it -> {
                sb.append('[');
                boolean first = true;
                for (Object o : it) {
                    if (!first) sb.append(',');
                    first = false;
                    write(sb, o);
                }
                sb.append(']');
            }
            case float[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) sb.append(',');
                    number(sb, a[i]);
                }
                sb.append(']');
            }
            case double[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) sb.append(',');
                    number(sb, a[i]);
                }
                sb.append(']');
            }
            case int[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    if (i > 0) sb.append(',');
                    sb.append(a[i]);
                }
                sb.append(']');
            }
            default -> {
                if (v == NULL) sb.append("null");
                else throw new IllegalArgumentException("Json.write: cannot write a " + v.getClass().getName());
            }
        }
    }

    /** Finite numbers as the shortest text that reads back the same; NaN and infinities as null (JSON has none). */
    private static void number(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            sb.append(String.format(Locale.ROOT, "%.6g", d).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceFirst("\\.$", ""));
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
