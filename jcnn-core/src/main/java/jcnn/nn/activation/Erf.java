package jcnn.nn.activation;

/**
 * The error function, which Java's {@link Math} lacks, for the exact GELU. Everything derives from the scaled
 * complementary error function erfcx(z) = e^(z²)·erfc(z) for z ≥ 0, which is smooth and slowly varying (1 at 0,
 * about 1/(z√π) for large z), so it interpolates well and keeps full relative accuracy in the tail where erfc
 * itself underflows:
 * <ul>
 *   <li>on [0, 12): cubic Hermite interpolation between nodes 1/128 apart; the node values are computed once,
 *       when the class loads, from the Maclaurin series
 *       erf(z) = (2/√π)·e^(−z²)·Σₙ 2ⁿ·z^(2n+1) / (1·3·5···(2n+1)) (all terms positive) for z &lt; 2 and from
 *       Laplace's continued fraction erfc(z) = (e^(−z²)/√π) / (z + ½/(z + 1/(z + (3/2)/(z + 2/(z + ...)))))
 *       for z ≥ 2; the node slopes come from the identity erfcx'(z) = 2z·erfcx(z) − 2/√π;</li>
 *   <li>from 12 on: the asymptotic series erfcx(z) ≈ (1/(z√π))·(1 − 1/(2z²) + 3/(4z⁴) − 15/(8z⁶) + ...).</li>
 * </ul>
 * The relative error of erfcx is below 2e-10 everywhere (the interpolation's h⁴/384·max|erfcx⁗| bound, worst
 * near 0), far below float resolution.
 */
final class Erf {
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final int PER_UNIT = 128;
    private static final double TABLE_END = 12;
    private static final double[] VALUE;
    private static final double[] SLOPE;

    static {
        int n = (int) (TABLE_END * PER_UNIT) + 1;
        VALUE = new double[n];
        SLOPE = new double[n];
        for (int i = 0; i < n; i++) {
            double z = (double) i / PER_UNIT;
            VALUE[i] = erfcxReference(z);
            // slope per node spacing, as the Hermite basis below wants it
            SLOPE[i] = (2 * z * VALUE[i] - 2 / SQRT_PI) / PER_UNIT;
        }
    }

    private Erf() {}

    /** e^(z²)·erfc(z) for z ≥ 0 (NaN for NaN, 0 for +∞). */
    static double erfcx(double z) {
        if (!(z < TABLE_END)) {
            if (z != z) return z;
            double r = 1 / (z * z);
            return (1 / (z * SQRT_PI)) * (1 + r * (-0.5 + r * (0.75 + r * (-1.875 + r * (6.5625 + r * -29.53125)))));
        }
        double u = z * PER_UNIT;
        int i = (int) u;
        double t = u - i, t2 = t * t, t3 = t2 * t;
        return (2 * t3 - 3 * t2 + 1) * VALUE[i] + (t3 - 2 * t2 + t) * SLOPE[i]
                + (3 * t2 - 2 * t3) * VALUE[i + 1] + (t3 - t2) * SLOPE[i + 1];
    }

    /** erfc(x) = 1 − erf(x), with full relative accuracy for large positive x. */
    static double erfc(double x) {
        if (x >= 0) return Math.exp(-x * x) * erfcx(x);
        return 2 - Math.exp(-x * x) * erfcx(-x);
    }

    /** erf(x), to an absolute error below 2e-10 (it is 1 − e^(−x²)·erfcx(|x|), so erfcx's relative error carries over). */
    static double erf(double x) {
        double tail = Math.exp(-x * x) * erfcx(Math.abs(x));
        return x >= 0 ? 1 - tail : tail - 1;
    }

    /** erfcx(z) for 0 ≤ z &lt;= 12 from the series or the continued fraction: slow, used to build the table. */
    static double erfcxReference(double z) {
        if (z < 2) {
            double term = z, sum = z;
            for (int n = 1; term > 1e-17 * sum; n++) {
                term *= 2 * z * z / (2 * n + 1);
                sum += term;
            }
            double erf = 2 / SQRT_PI * Math.exp(-z * z) * sum;
            return Math.exp(z * z) * (1 - erf);
        }
        // Evaluated from the tail inwards; 2000 levels are ample at z = 2, where it converges slowest.
        double t = z;
        for (int k = 2000; k >= 1; k--) t = z + (k * 0.5) / t;
        return 1 / (t * SQRT_PI);
    }
}
