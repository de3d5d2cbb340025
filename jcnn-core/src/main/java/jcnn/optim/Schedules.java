package jcnn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learning-rate schedules. The epoch is fractional, so a schedule can be applied every batch; at whole epochs
 * they equal PyTorch's schedulers stepped once per epoch:
 * <ul>
 *   <li>{@link #constant()}: {@code base}</li>
 *   <li>{@link #step(double, double) step(stepSize, gamma)}: {@code base·γ^⌊epoch/stepSize⌋} (StepLR)</li>
 *   <li>{@link #exponential(double) exponential(gamma)}: {@code base·γ^epoch} (ExponentialLR; continuous
 *       between whole epochs)</li>
 *   <li>{@link #cosine(double, double) cosine(totalEpochs, minLr)}: {@code minLr + (base - minLr)·(1 + cos(π·e/T))/2}
 *       for e &lt; T, then {@code minLr} (CosineAnnealingLR with T_max = T, eta_min = minLr, which would rise
 *       again after T)</li>
 *   <li>{@link #warmup(double, LrSchedule) warmup(warmupEpochs, then)}: linear from {@code startFactor·base}
 *       (default 0.001, "from about 0") at epoch 0 to {@code base} at {@code warmupEpochs}; from there
 *       {@code then} shifted by the warm-up: {@code then.at(base, epoch - warmupEpochs)}</li>
 * </ul>
 * {@link #byName(String)} reads the specs that {@code toString()} writes, e.g.
 * {@code "warmup(warmupEpochs=5, startFactor=0.001, then=cosine(totalEpochs=95, minLr=0))"}, and shorter
 * forms with positional arguments and defaults: {@code "step(30)"}, {@code "exponential(0.95)"},
 * {@code "warmup(5, cosine(95))"}.
 */
public final class Schedules {
    private Schedules() {}

    /** The schedule names {@link #byName} knows. */
    public static List<String> names() {
        return List.of("constant", "step", "exponential", "cosine", "warmup");
    }

    public static LrSchedule constant() {
        return new Constant();
    }

    /** Multiplies by {@code gamma} every {@code stepSize} epochs (PyTorch's StepLR). */
    public static LrSchedule step(double stepSize, double gamma) {
        return new Step(stepSize, gamma);
    }

    /** Multiplies by {@code gamma} per epoch (PyTorch's ExponentialLR). */
    public static LrSchedule exponential(double gamma) {
        return new Exponential(gamma);
    }

    /** Half a cosine from {@code base} down to {@code minLr} over {@code totalEpochs} (CosineAnnealingLR). */
    public static LrSchedule cosine(double totalEpochs, double minLr) {
        return new Cosine(totalEpochs, minLr);
    }

    /** {@code cosine(totalEpochs, 0)}. */
    public static LrSchedule cosine(double totalEpochs) {
        return new Cosine(totalEpochs, 0);
    }

    /** Linear warm-up from 0.001·base over {@code warmupEpochs}, then {@code then} shifted by the warm-up. */
    public static LrSchedule warmup(double warmupEpochs, LrSchedule then) {
        return new Warmup(warmupEpochs, Warmup.DEFAULT_START_FACTOR, then);
    }

    /** Linear warm-up from {@code startFactor·base} over {@code warmupEpochs}, then {@code then} shifted. */
    public static LrSchedule warmup(double warmupEpochs, double startFactor, LrSchedule then) {
        return new Warmup(warmupEpochs, startFactor, then);
    }

    // ---------------------------------------------------------------------------------------------------
    // The schedules
    // ---------------------------------------------------------------------------------------------------

    /** The base learning rate throughout. */
    public record Constant() implements LrSchedule {
        @Override
        public double at(double baseLr, double epoch) {
            checkAt(baseLr, epoch);
            return baseLr;
        }

        @Override
        public String toString() {
            return "constant";
        }
    }

    /** {@code base·γ^⌊epoch/stepSize⌋}. */
    public record Step(double stepSize, double gamma) implements LrSchedule {
        public Step {
            positive("step", "stepSize", stepSize);
            positive("step", "gamma", gamma);
        }

        @Override
        public double at(double baseLr, double epoch) {
            checkAt(baseLr, epoch);
            return baseLr * Math.pow(gamma, Math.floor(epoch / stepSize));
        }

        @Override
        public String toString() {
            return "step(stepSize=" + Optimizer.fmt(stepSize) + ", gamma=" + Optimizer.fmt(gamma) + ")";
        }
    }

    /** {@code base·γ^epoch}. */
    public record Exponential(double gamma) implements LrSchedule {
        public Exponential {
            positive("exponential", "gamma", gamma);
        }

        @Override
        public double at(double baseLr, double epoch) {
            checkAt(baseLr, epoch);
            return baseLr * Math.pow(gamma, epoch);
        }

        @Override
        public String toString() {
            return "exponential(gamma=" + Optimizer.fmt(gamma) + ")";
        }
    }

    /** {@code minLr + (base - minLr)·(1 + cos(π·min(epoch, T)/T))/2}. */
    public record Cosine(double totalEpochs, double minLr) implements LrSchedule {
        public Cosine {
            positive("cosine", "totalEpochs", totalEpochs);
            if (!(minLr >= 0) || Double.isInfinite(minLr)) {
                throw new IllegalArgumentException("cosine: minLr must be a finite number >= 0, got " + minLr);
            }
        }

        @Override
        public double at(double baseLr, double epoch) {
            checkAt(baseLr, epoch);
            if (epoch >= totalEpochs) return minLr;
            return minLr + (baseLr - minLr) * (1 + Math.cos(Math.PI * epoch / totalEpochs)) / 2;
        }

        @Override
        public String toString() {
            return "cosine(totalEpochs=" + Optimizer.fmt(totalEpochs) + ", minLr=" + Optimizer.fmt(minLr) + ")";
        }
    }

    /** Linear warm-up, then another schedule shifted by the warm-up length. */
    public record Warmup(double warmupEpochs, double startFactor, LrSchedule then) implements LrSchedule {
        static final double DEFAULT_START_FACTOR = 1e-3;

        public Warmup {
            positive("warmup", "warmupEpochs", warmupEpochs);
            if (!(startFactor >= 0 && startFactor <= 1)) {
                throw new IllegalArgumentException("warmup: startFactor must be in [0, 1], got " + startFactor);
            }
            if (then == null) throw new IllegalArgumentException("warmup: the schedule after the warm-up ('then') is null");
        }

        @Override
        public double at(double baseLr, double epoch) {
            checkAt(baseLr, epoch);
            if (epoch >= warmupEpochs) return then.at(baseLr, epoch - warmupEpochs);
            return baseLr * (startFactor + (1 - startFactor) * epoch / warmupEpochs);
        }

        @Override
        public String toString() {
            return "warmup(warmupEpochs=" + Optimizer.fmt(warmupEpochs) + ", startFactor=" + Optimizer.fmt(startFactor)
                    + ", then=" + then + ")";
        }
    }

    private static void positive(String schedule, String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(schedule + ": " + what + " must be a finite number > 0, got " + v);
        }
    }

    private static void checkAt(double baseLr, double epoch) {
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("learning-rate schedule: baseLr must be a finite number >= 0, got " + baseLr);
        }
        if (!(epoch >= 0) || Double.isInfinite(epoch)) {
            throw new IllegalArgumentException("learning-rate schedule: epoch must be a finite number >= 0, got " + epoch);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Lookup by name
    // ---------------------------------------------------------------------------------------------------

    /**
     * The schedule a spec describes: a name ({@link #names()}, case and punctuation ignored), optionally with
     * arguments, positional or {@code key=value}, in the order of the factory methods. Defaults: step's
     * gamma 0.1, cosine's minLr 0, warmup's startFactor 0.001; {@code "step"} alone is {@code step(30, 0.1)},
     * {@code "exponential"} alone {@code exponential(0.95)}, {@code "warmup"} alone {@code warmup(5, constant)}.
     * Cosine needs its totalEpochs: give it, or use {@link #byName(String, double)}.
     */
    public static LrSchedule byName(String spec) {
        return byName(spec, Double.NaN);
    }

    /**
     * As {@link #byName(String)}, with {@code totalEpochs} (the length of training) as cosine's default length;
     * a cosine inside a warm-up defaults to the epochs after the warm-up: {@code byName("warmup(5, cosine)", 100)}
     * = {@code warmup(5, cosine(95))}.
     */
    public static LrSchedule byName(String spec, double totalEpochs) {
        if (spec == null) throw new IllegalArgumentException("learning-rate schedule: the spec is null");
        Parser p = new Parser(spec);
        LrSchedule s = p.schedule(totalEpochs);
        p.skipSpaces();
        if (p.pos != spec.length()) throw p.error("unexpected '" + spec.substring(p.pos) + "'");
        return s;
    }

    private static final class Parser {
        final String text;
        int pos;

        Parser(String text) {
            this.text = text;
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException("learning-rate schedule '" + text + "': " + message
                    + "; known schedules: " + names());
        }

        void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
        }

        String word() {
            skipSpaces();
            int start = pos;
            while (pos < text.length() && !"(),=".contains(String.valueOf(text.charAt(pos)))) pos++;
            return text.substring(start, pos).trim();
        }

        boolean peek(char c) {
            skipSpaces();
            return pos < text.length() && text.charAt(pos) == c;
        }

        /** A schedule; {@code total} is the epochs it spans (NaN when unknown), cosine's default length. */
        LrSchedule schedule(double total) {
            String name = word();
            String key = Optimizers.key(name);
            if (key.isEmpty()) throw error("expected a schedule name at position " + pos);
            List<String> argNames = switch (key) {
                case "constant" -> List.of();
                case "step" -> List.of("stepSize", "gamma");
                case "exponential" -> List.of("gamma");
                case "cosine" -> List.of("totalEpochs", "minLr");
                case "warmup" -> List.of("warmupEpochs", "startFactor", "then");
                default -> throw error("unknown schedule '" + name + "'");
            };
            List<String> keys = new ArrayList<>();
            for (String a : argNames) keys.add(Optimizers.key(a));
            Map<String, String> args = new LinkedHashMap<>();
            List<String> positional = new ArrayList<>();
            if (peek('(')) {
                pos++;
                if (!peek(')')) {
                    while (true) {
                        int start = pos;
                        String first = rawArgument();
                        if (peek('=')) {
                            pos++;
                            String k = Optimizers.key(first);
                            if (!keys.contains(k)) throw error(name + " has no argument '" + first + "' (arguments: " + argNames + ")");
                            if (args.containsKey(k)) throw error(name + ": argument '" + first + "' given twice");
                            args.put(k, rawArgument());
                        } else {
                            if (!args.isEmpty()) throw error(name + ": positional argument after a named one at position " + start);
                            positional.add(first);
                        }
                        if (peek(',')) {
                            pos++;
                            continue;
                        }
                        break;
                    }
                }
                if (!peek(')')) throw error("expected ')' at position " + pos);
                pos++;
            }
            // warmup(W, then) leaves startFactor out
            List<String> order = key.equals("warmup") && positional.size() == 2
                    ? List.of("warmupepochs", "then") : keys;
            if (positional.size() > order.size()) {
                throw error(name + " takes at most " + argNames.size() + " arguments " + argNames + ", got " + positional.size());
            }
            for (int i = 0; i < positional.size(); i++) {
                if (args.containsKey(order.get(i))) throw error(name + ": argument '" + order.get(i) + "' given twice");
                args.put(order.get(i), positional.get(i));
            }
            return build(key, args, total);
        }

        /** The text of one argument (a number or a nested spec), up to the next top-level ',', ')' or '='. */
        String rawArgument() {
            skipSpaces();
            int start = pos, depth = 0;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '(') depth++;
                else if (c == ')') {
                    if (depth == 0) break;
                    depth--;
                } else if ((c == ',' || c == '=') && depth == 0) break;
                pos++;
            }
            return text.substring(start, pos).trim();
        }

        double number(String schedule, String arg, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw error(schedule + ": " + arg + " must be a number, got '" + value + "'");
            }
        }

        LrSchedule build(String key, Map<String, String> args, double total) {
            switch (key) {
                case "constant":
                    return constant();
                case "step":
                    return step(args.containsKey("stepsize") ? number("step", "stepSize", args.get("stepsize")) : 30,
                            args.containsKey("gamma") ? number("step", "gamma", args.get("gamma")) : 0.1);
                case "exponential":
                    return exponential(args.containsKey("gamma") ? number("exponential", "gamma", args.get("gamma")) : 0.95);
                case "cosine": {
                    double t;
                    if (args.containsKey("totalepochs")) t = number("cosine", "totalEpochs", args.get("totalepochs"));
                    else if (!Double.isNaN(total)) t = total;
                    else throw error("cosine needs totalEpochs: write cosine(T) or call byName(spec, totalEpochs)");
                    return cosine(t, args.containsKey("minlr") ? number("cosine", "minLr", args.get("minlr")) : 0);
                }
                case "warmup": {
                    double w = args.containsKey("warmupepochs") ? number("warmup", "warmupEpochs", args.get("warmupepochs")) : 5;
                    double f = args.containsKey("startfactor") ? number("warmup", "startFactor", args.get("startfactor"))
                            : Warmup.DEFAULT_START_FACTOR;
                    LrSchedule then = constant();
                    if (args.containsKey("then")) {
                        Parser inner = new Parser(args.get("then"));
                        then = inner.schedule(Double.isNaN(total) ? Double.NaN : total - w);
                        inner.skipSpaces();
                        if (inner.pos != inner.text.length()) throw error("unexpected '" + inner.text.substring(inner.pos) + "'");
                    }
                    return warmup(w, f, then);
                }
                default:
                    throw error("unknown schedule '" + key + "'");
            }
        }
    }
}
