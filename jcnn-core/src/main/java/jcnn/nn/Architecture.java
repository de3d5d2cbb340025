package jcnn.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The text form of layers and models: a layer's {@code toString()} ("Conv2d(1, 30, kernelSize=5, stride=2)")
 * parses back into the same layer. Model files store their architecture this way, so they read as the code that
 * built them, and the command line accepts models written the same way:
 * <pre>{@code
 * Sequential m = Architecture.parseModel("Conv2d(1, 16, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(3136, 10)");
 * }</pre>
 *
 * <p>Grammar: {@code spec := Name '(' [arg {',' arg}] ')'}, {@code arg := [key '='] value}, and a value is a
 * number, {@code true}/{@code false}, a quoted string, a tuple {@code (v, v, ...)} or a nested spec. Each layer type
 * is registered with a factory that reads its arguments; unknown types and unknown or malformed options are
 * rejected with messages that name them.
 */
public final class Architecture {
    private static final Map<String, Function<Spec, Layer>> FACTORIES = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        register("Conv2d", s -> conv(new Conv2d(s.intArg(0, "inChannels"), s.intArg(1, "outChannels"),
                s.pair(2, "kernelSize")[0], s.pair(2, "kernelSize")[1]), s, 2));
        register("Conv1d", s -> conv(new Conv1d(s.intArg(0, "inChannels"), s.intArg(1, "outChannels"),
                s.intArg(2, "kernelSize")), s, 1));
        register("ConvTranspose2d", s -> conv(new ConvTranspose2d(s.intArg(0, "inChannels"), s.intArg(1, "outChannels"),
                s.pair(2, "kernelSize")[0], s.pair(2, "kernelSize")[1]), s, 2));
        register("ConvTranspose1d", s -> conv(new ConvTranspose1d(s.intArg(0, "inChannels"), s.intArg(1, "outChannels"),
                s.intArg(2, "kernelSize")), s, 1));
        register("Linear", s -> new Linear(s.intArg(0, "inFeatures"), s.intArg(1, "outFeatures"), s.bool("bias", true)));
        register("ReLU", s -> new ReLU());
        register("Flatten", s -> new Flatten());
        register("MaxPool2d", s -> maxPool(new MaxPool2d(s.pair(0, "kernelSize")[0], s.pair(0, "kernelSize")[1]), s, 2));
        register("MaxPool1d", s -> maxPool(new MaxPool1d(s.intArg(0, "kernelSize")), s, 1));
        register("AvgPool2d", s -> avgPool(new AvgPool2d(s.pair(0, "kernelSize")[0], s.pair(0, "kernelSize")[1]), s, 2));
        register("AvgPool1d", s -> avgPool(new AvgPool1d(s.intArg(0, "kernelSize")), s, 1));
        register("BatchNorm2d", s -> batchNorm(new BatchNorm2d(s.intArg(0, "numFeatures")), s));
        register("BatchNorm1d", s -> batchNorm(new BatchNorm1d(s.intArg(0, "numFeatures")), s));
        register("Dropout", s -> new Dropout(s.has("p") || !s.args().isEmpty() ? s.number(0, "p") : 0.5));
        register("AdaptiveAvgPool2d", s -> new AdaptiveAvgPool2d(s.pair(0, "outputSize")[0], s.pair(0, "outputSize")[1]));
        jcnn.nn.activation.Activations.registerLayerTypes();
    }

    private Architecture() {}

    /** Makes a layer type known to {@link #parse}; {@code factory} reads a {@link Spec}. */
    public static synchronized void register(String type, Function<Spec, Layer> factory) {
        FACTORIES.put(type, factory);
    }

    /** The registered layer types. */
    public static synchronized Set<String> types() {
        return new LinkedHashSet<>(FACTORIES.keySet());
    }

    /** Builds the layer that {@code text} describes, e.g. {@code "MaxPool2d(kernelSize=2)"}. */
    public static Layer parse(String text) {
        Parser p = new Parser(text);
        Spec spec = p.spec();
        p.end();
        return build(spec, text);
    }

    /**
     * Builds a Sequential from layer specs separated by commas or new lines: {@code "Conv2d(1, 8, 3), ReLU()"}.
     * A spec may be preceded by {@code name:} to name the layer.
     */
    public static Sequential parseModel(String text) {
        Parser p = new Parser(text);
        Sequential model = new Sequential();
        p.skipSeparators();
        while (!p.atEnd()) {
            String name = p.optionalLabel();
            int start = p.pos;
            Spec spec = p.spec();
            Layer layer = build(spec, text.substring(start, p.pos));
            if (name == null) model.add(layer);
            else model.add(name, layer);
            p.skipSeparators();
        }
        return model;
    }

    /**
     * The text of a model, one {@code name: spec} line per layer (the inverse of {@link #parseModel}); layers named
     * by their index are written without a name.
     */
    public static String describe(Sequential model) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < model.size(); i++) {
            String name = model.nameOf(i);
            if (!name.equals(Integer.toString(i))) sb.append(name).append(": ");
            sb.append(model.get(i)).append('\n');
        }
        return sb.toString();
    }

    private static Layer build(Spec spec, String text) {
        Function<Spec, Layer> f;
        synchronized (Architecture.class) {
            f = FACTORIES.get(spec.type());
        }
        if (f == null) {
            throw new IllegalArgumentException("unknown layer type '" + spec.type() + "' in \"" + text.trim()
                    + "\"; known: " + String.join(", ", types()));
        }
        Layer layer;
        try {
            layer = f.apply(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot build \"" + text.trim() + "\": " + e.getMessage(), e);
        }
        spec.checkAllUsed(text);
        return layer;
    }

    // ---------------------------------------------------------------------------------------------------
    // Factories for the core layers
    // ---------------------------------------------------------------------------------------------------

    private static <T extends ConvNd<T>> Layer conv(T c, Spec s, int dims) {
        if (s.has("groups")) c.groups(s.intOpt("groups", 1));
        if (s.has("bias")) c.bias(s.bool("bias", true));
        int[] stride = s.pairOpt("stride", 1);
        int[] dilation = s.pairOpt("dilation", 1);
        if (dims == 2) {
            c.stride(stride[0], stride[1]);
            c.dilation(dilation[0], dilation[1]);
        } else {
            c.stride(stride[1]);
            c.dilation(dilation[1]);
        }
        if (s.has("padding")) c.padding(padding(s.get("padding"), dims));
        if (s.has("outputPadding")) {
            int[] op = s.pairOpt("outputPadding", 0);
            if (c instanceof ConvTranspose2d t) t.outputPadding(op[0], op[1]);
            else if (c instanceof ConvTranspose1d t) t.outputPadding(op[1]);
            else throw new IllegalArgumentException("outputPadding applies to transposed convolutions only");
        }
        return c;
    }

    private static Padding padding(Object v, int dims) {
        if (v instanceof String str) return Padding.of(str);
        int[] p = Spec.ints(v, "padding");
        return switch (p.length) {
            case 1 -> dims == 1 ? Padding.of(0, 0, p[0], p[0]) : Padding.of(p[0]);
            case 2 -> dims == 1 ? Padding.of(0, 0, p[0], p[1]) : Padding.of(p[0], p[1]);
            case 4 -> Padding.of(p[0], p[1], p[2], p[3]);
            default -> throw new IllegalArgumentException("padding takes 1, 2 or 4 numbers, got " + p.length);
        };
    }

    private static <T extends BatchNormNd<T>> Layer batchNorm(T bn, Spec s) {
        if (s.has("eps")) bn.eps(s.doubleOpt("eps", 1e-5));
        if (s.has("momentum")) bn.momentum(s.doubleOpt("momentum", 0.1));
        if (s.bool("cumulativeAverage", false)) bn.cumulativeAverage(true);
        if (s.has("affine")) bn.affine(s.bool("affine", true));
        if (s.has("trackRunningStats")) bn.trackRunningStats(s.bool("trackRunningStats", true));
        return bn;
    }

    private static Layer maxPool(MaxPool2d p, Spec s, int dims) {
        pool(p, s, dims);
        int[] d = s.pairOpt("dilation", 1);
        if (dims == 2) p.dilation(d[0], d[1]);
        else p.dilation(d[1]);
        return p.returnIndices(s.bool("returnIndices", false));
    }

    private static Layer avgPool(AvgPool2d p, Spec s, int dims) {
        pool(p, s, dims);
        return p.countIncludePad(s.bool("countIncludePad", true)).divisorOverride(s.intOpt("divisorOverride", 0));
    }

    private static <T extends PoolNd<T>> void pool(T p, Spec s, int dims) {
        if (s.has("stride")) {
            int[] st = s.pairOpt("stride", 1);
            if (dims == 2) p.stride(st[0], st[1]);
            else p.stride(st[1]);
        }
        int[] pad = s.pairOpt("padding", 0);
        if (dims == 2) p.padding(pad[0], pad[1]);
        else p.padding(pad[1]);
        p.ceilMode(s.bool("ceilMode", false));
    }

    // ---------------------------------------------------------------------------------------------------
    // Spec
    // ---------------------------------------------------------------------------------------------------

    /**
     * A parsed {@code Type(arg, ..., key=value, ...)}: positional arguments and options. Values are Integer,
     * Double, Boolean, String, {@code List<Object>} (a tuple) or a nested Spec. Factories read arguments through
     * the accessors, which also record what was used so that a misspelt option is an error, not ignored.
     */
    public static final class Spec {
        private final String type;
        private final List<Object> args;
        private final Map<String, Object> options;
        private final Set<String> used = new LinkedHashSet<>();
        private int positionalUsed = 0;

        public Spec(String type, List<Object> args, Map<String, Object> options) {
            this.type = type;
            this.args = args;
            this.options = options;
        }

        public String type() { return type; }
        public List<Object> args() { return args; }
        public Map<String, Object> options() { return options; }

        /** True when option {@code key} was given. */
        public boolean has(String key) {
            return options.containsKey(key);
        }

        /** Option {@code key}, or null; marks it used. */
        public Object get(String key) {
            used.add(key);
            return options.get(key);
        }

        /** The argument at {@code position}, or the option {@code key}; it must be present. */
        public Object required(int position, String key) {
            if (options.containsKey(key)) return get(key);
            if (position < args.size()) {
                positionalUsed = Math.max(positionalUsed, position + 1);
                return args.get(position);
            }
            throw new IllegalArgumentException(type + " needs " + key + " (argument " + (position + 1) + ")");
        }

        public int intArg(int position, String key) {
            return toInt(required(position, key), key);
        }

        /** A number given at {@code position} or as option {@code key}. */
        public double number(int position, String key) {
            Object v = required(position, key);
            if (v instanceof Number n) return n.doubleValue();
            throw new IllegalArgumentException(key + " must be a number, got " + v);
        }

        public int[] pair(int position, String key) {
            return toPair(required(position, key), key);
        }

        public int[] pairOpt(String key, int fallback) {
            Object v = get(key);
            return v == null ? new int[] {fallback, fallback} : toPair(v, key);
        }

        public int intOpt(String key, int fallback) {
            Object v = get(key);
            return v == null ? fallback : toInt(v, key);
        }

        public double doubleOpt(String key, double fallback) {
            Object v = get(key);
            if (v == null) return fallback;
            if (v instanceof Number n) return n.doubleValue();
            throw new IllegalArgumentException(key + " must be a number, got " + v);
        }

        public boolean bool(String key, boolean fallback) {
            Object v = get(key);
            if (v == null) return fallback;
            if (v instanceof Boolean b) return b;
            throw new IllegalArgumentException(key + " must be true or false, got " + v);
        }

        public String stringOpt(String key, String fallback) {
            Object v = get(key);
            if (v == null) return fallback;
            if (v instanceof String str) return str;
            throw new IllegalArgumentException(key + " must be a quoted string, got " + v);
        }

        void checkAllUsed(String text) {
            if (positionalUsed < args.size()) {
                throw new IllegalArgumentException("too many arguments in \"" + text.trim() + "\": " + type + " takes "
                        + positionalUsed + " positional argument(s), got " + args.size());
            }
            for (String k : options.keySet()) {
                if (!used.contains(k)) throw new IllegalArgumentException("unknown option '" + k + "' in \"" + text.trim() + "\"");
            }
        }

        static int toInt(Object v, String key) {
            if (v instanceof Integer i) return i;
            throw new IllegalArgumentException(key + " must be an integer, got " + v);
        }

        static int[] toPair(Object v, String key) {
            int[] p = ints(v, key);
            if (p.length == 1) return new int[] {p[0], p[0]};
            if (p.length == 2) return p;
            throw new IllegalArgumentException(key + " takes one number or a pair, got " + v);
        }

        static int[] ints(Object v, String key) {
            if (v instanceof Integer i) return new int[] {i};
            if (v instanceof List<?> list) {
                int[] out = new int[list.size()];
                for (int i = 0; i < out.length; i++) out[i] = toInt(list.get(i), key);
                return out;
            }
            throw new IllegalArgumentException(key + " must be an integer or a tuple of integers, got " + v);
        }

        @Override
        public String toString() {
            return type + args + options;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Parser
    // ---------------------------------------------------------------------------------------------------

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        Spec spec() {
            skipSpace();
            String type = ident();
            if (type.isEmpty()) throw fail("expected a layer type");
            expect('(');
            List<Object> args = new ArrayList<>();
            Map<String, Object> options = new LinkedHashMap<>();
            skipSpace();
            if (peek() != ')') {
                while (true) {
                    skipSpace();
                    int save = pos;
                    String key = ident();
                    skipSpace();
                    if (!key.isEmpty() && peek() == '=') {
                        pos++;
                        if (options.put(key, value()) != null) throw fail("option '" + key + "' given twice");
                    } else {
                        pos = save;
                        if (!options.isEmpty()) throw fail("positional argument after an option");
                        args.add(value());
                    }
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                        continue;
                    }
                    break;
                }
            }
            expect(')');
            return new Spec(type, args, options);
        }

        Object value() {
            skipSpace();
            char c = peek();
            if (c == '(') {
                pos++;
                List<Object> items = new ArrayList<>();
                skipSpace();
                if (peek() != ')') {
                    while (true) {
                        items.add(value());
                        skipSpace();
                        if (peek() == ',') {
                            pos++;
                            skipSpace();
                            if (peek() == ')') break; // (3,) like Python
                            continue;
                        }
                        break;
                    }
                }
                expect(')');
                return items;
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) throw fail("unterminated string");
                String str = s.substring(pos + 1, end);
                pos = end + 1;
                return str;
            }
            if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                int start = pos;
                pos++;
                while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0) pos++;
                String num = s.substring(start, pos);
                try {
                    if (num.matches("[-+]?\\d+")) return Integer.parseInt(num);
                    return Double.parseDouble(num);
                } catch (NumberFormatException e) {
                    throw fail("malformed number '" + num + "'");
                }
            }
            int save = pos;
            String word = ident();
            switch (word.toLowerCase(Locale.ROOT)) {
                case "true": return Boolean.TRUE;
                case "false": return Boolean.FALSE;
                default:
                    if (word.isEmpty()) throw fail("expected a value");
                    pos = save;
                    return spec();
            }
        }

        String optionalLabel() {
            skipSpace();
            int save = pos;
            String name = label();
            skipSpace();
            if (!name.isEmpty() && peek() == ':') {
                pos++;
                return name;
            }
            pos = save;
            return null;
        }

        String ident() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            return s.substring(start, pos);
        }

        String label() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || "_-".indexOf(s.charAt(pos)) >= 0)) pos++;
            return s.substring(start, pos);
        }

        void skipSeparators() {
            while (pos < s.length() && (Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ',')) pos++;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void end() {
            skipSpace();
            if (!atEnd()) throw fail("unexpected text after the layer");
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void expect(char c) {
            skipSpace();
            if (peek() != c) throw fail("expected '" + c + "'");
            pos++;
        }

        IllegalArgumentException fail(String what) {
            return new IllegalArgumentException(what + " at position " + pos + " of \"" + s.trim() + "\"");
        }
    }
}
