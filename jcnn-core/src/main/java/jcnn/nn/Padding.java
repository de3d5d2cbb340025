package jcnn.nn;

/**
 * Zero padding of a convolution or pooling input, in the forms PyTorch accepts and one it does not:
 * <ul>
 *   <li>{@code Padding.of(p)}: p on every side;</li>
 *   <li>{@code Padding.of(ph, pw)}: ph above and below, pw left and right;</li>
 *   <li>{@code Padding.of(top, bottom, left, right)}: each side on its own (the seeds' {@code np.pad} form);</li>
 *   <li>{@link #SAME}: the output is as large as the input; for stride 1 only, as in PyTorch. The total
 *       {@code dilation·(kernel-1)} is split with the odd one out at the bottom/right, as PyTorch does;</li>
 *   <li>{@link #VALID}: no padding.</li>
 * </ul>
 */
public record Padding(Mode mode, int top, int bottom, int left, int right) {

    public enum Mode { EXPLICIT, SAME, VALID }

    public static final Padding SAME = new Padding(Mode.SAME, 0, 0, 0, 0);
    public static final Padding VALID = new Padding(Mode.VALID, 0, 0, 0, 0);

    public Padding {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got (top " + top + ", bottom " + bottom
                    + ", left " + left + ", right " + right + ")");
        }
    }

    public static Padding of(int p) {
        return new Padding(Mode.EXPLICIT, p, p, p, p);
    }

    public static Padding of(int ph, int pw) {
        return new Padding(Mode.EXPLICIT, ph, ph, pw, pw);
    }

    public static Padding of(int top, int bottom, int left, int right) {
        return new Padding(Mode.EXPLICIT, top, bottom, left, right);
    }

    /** "same" or "valid" (any case), as PyTorch's string padding. */
    public static Padding of(String mode) {
        return switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "same" -> SAME;
            case "valid" -> VALID;
            default -> throw new IllegalArgumentException("padding must be an integer, \"same\" or \"valid\", got \"" + mode + "\"");
        };
    }

    /** True when top == bottom and left == right (the only kind transposed convolution and pooling accept). */
    public boolean isSymmetric() {
        return mode != Mode.SAME && top == bottom && left == right;
    }

    /**
     * The padding per side {top, bottom, left, right} for a window of the given kernel and dilation; "same" puts
     * {@code total / 2} before and the rest after.
     */
    public int[] resolve(int kernelH, int kernelW, int dilationH, int dilationW) {
        return switch (mode) {
            case EXPLICIT -> new int[] {top, bottom, left, right};
            case VALID -> new int[] {0, 0, 0, 0};
            case SAME -> {
                int th = dilationH * (kernelH - 1), tw = dilationW * (kernelW - 1);
                yield new int[] {th / 2, th - th / 2, tw / 2, tw - tw / 2};
            }
        };
    }

    /** PyTorch-style text: "1", "(1, 2)" (height, width), "(1, 0, 2, 2)" (top, bottom, left, right), "'same'". */
    @Override
    public String toString() {
        return switch (mode) {
            case SAME -> "'same'";
            case VALID -> "'valid'";
            case EXPLICIT -> top == bottom && left == right
                    ? (top == left ? Integer.toString(top) : "(" + top + ", " + left + ")")
                    : "(" + top + ", " + bottom + ", " + left + ", " + right + ")";
        };
    }

    /** True when this padding adds nothing. */
    public boolean isZero() {
        return mode == Mode.VALID || (mode == Mode.EXPLICIT && top == 0 && bottom == 0 && left == 0 && right == 0);
    }
}
