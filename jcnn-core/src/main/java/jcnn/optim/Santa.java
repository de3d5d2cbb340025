package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Santa (Chen, Carlson, Gan, Li &amp; Carin 2016, "Bridging the Gap between Stochastic Gradient MCMC and
 * Stochastic Optimization", AISTATS): stochastic-gradient thermostat dynamics with an RMSprop-like
 * preconditioner and element-wise momentum weights (thermostats α), annealed towards zero temperature. For
 * the first {@code burnin} steps (exploration) it injects noise of temperature 1/β_t, β_t = A·t^γ, and adapts
 * α; afterwards (refinement) α is frozen and the method is a deterministic preconditioned momentum descent.
 * Two integrators: {@link SantaE} (Euler, Algorithm 1) and {@link SantaSSS} (symmetric splitting, Algorithm 2).
 *
 * <p>Common quantities, with f the gradient given (the loss is the paper's energy Ũ, so its N is 1) and
 * η the learning rate:
 * <pre>
 *   v_t = σ·v + (1 - σ)·f²;   G_t = 1 / √(λ + √v_t)
 *   initially  u_0 = √η·ζ_0,  α_0 = √η·C,  v_0 = 0
 * </pre>
 * At t = 1 the previous preconditioner G_0 is taken equal to G_1 (with v_0 = 0 the paper's G_0 = 1/√λ would
 * make the first correction term (1 - G_0/G_1)/u_0 explode). Noise ζ is N(0, 1) from a counter-based
 * generator keyed by (seed, step, parameter, element): runs with the same seed are identical, and a resumed
 * run draws the same noise. Defaults of this implementation (the paper tunes them per experiment): σ 0.99,
 * λ 1e-8, C 1, A 1, γ 0.5, burnin 1000 steps, seed 0. State: {@code v}, {@code alpha}, {@code u}.
 *
 * <p>Caution: the exploration term (η/β)(1 - G_{t-1}/G_t)/u is a finite difference that divides by the
 * momentum u_{t-1}; when an element of u passes close to zero the term, and the step, can explode (the more
 * elements, the likelier). {@link #correctionTerm(boolean) correctionTerm(false)} drops it, as preconditioned
 * SGLD drops its preconditioner-change term in practice; refinement never uses it.
 */
public abstract class Santa extends Optimizer {
    private double sigma = 0.99;
    private double lambda = 1e-8;
    private double c = 1;
    private double annealA = 1;
    private double annealGamma = 0.5;
    private long burnin = 1000;
    private long seed;
    private boolean correctionTerm = true;

    protected Santa(List<Parameter> params, double lr) {
        super(params, lr);
    }

    /** Decay σ of the squared-gradient average, in [0, 1). */
    public Santa sigma(double sigma) {
        this.sigma = checkUnitInterval("sigma", sigma);
        return this;
    }

    /** λ inside the preconditioner ({@code > 0}). */
    public Santa lambda(double lambda) {
        this.lambda = checkPositive("lambda", lambda);
        return this;
    }

    /** C: the thermostats start at α_0 = √η·C. */
    public Santa c(double c) {
        this.c = checkNonNegative("C", c);
        return this;
    }

    /** The annealing schedule β_t = A·t^γ (A {@code > 0}, γ {@code >= 0}). */
    public Santa annealing(double a, double gamma) {
        this.annealA = checkPositive("A", a);
        this.annealGamma = checkNonNegative("gamma", gamma);
        return this;
    }

    /** The number of exploration steps: steps t &lt; burnin explore, the rest refine. */
    public Santa burnin(long burnin) {
        if (burnin < 0) throw new IllegalArgumentException(name() + ": burnin must be >= 0, got " + burnin);
        this.burnin = burnin;
        return this;
    }

    /** The seed of the noise. */
    public Santa seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Keeps (default, the paper's algorithms) or drops the exploration term (η/β)(1 - G_{t-1}/G_t)/u. */
    public Santa correctionTerm(boolean keep) {
        this.correctionTerm = keep;
        return this;
    }

    @Override
    protected String settings() {
        return "sigma=" + fmt(sigma) + ", lambda=" + fmt(lambda) + ", C=" + fmt(c) + ", A=" + fmt(annealA) + ", gamma="
                + fmt(annealGamma) + ", burnin=" + burnin + ", seed=" + seed + ", correctionTerm=" + correctionTerm;
    }

    @Override
    protected final List<String> slotNames() {
        return List.of("v", "alpha", "u");
    }

    /** The inverse temperature β_t. */
    protected final double beta(long t) {
        return annealA * Math.pow(t, annealGamma);
    }

    protected final boolean exploring(long t) {
        return t < burnin;
    }

    @Override
    protected final void updateParameter(int index, float[] w, float[] g) {
        long t = steps();
        double eta = learningRate();
        float[] v = slot("v")[index];
        float[] alpha = slot("alpha")[index];
        float[] u = slot("u")[index];
        if (t == 1) {
            long key0 = Noise.key(seed, 0, index);
            double sqrtEta = Math.sqrt(eta);
            for (int j = 0; j < w.length; j++) {
                u[j] = (float) (sqrtEta * Noise.gaussian(key0, j));
                alpha[j] = (float) (sqrtEta * c);
            }
        }
        long key = Noise.key(seed, t, index);
        double temperature = eta / beta(t); // η/β_t
        boolean explore = exploring(t);
        for (int j = 0; j < w.length; j++) {
            double f = g[j];
            double vPrev = v[j];
            double vj = sigma * vPrev + (1 - sigma) * f * f;
            double gNew = 1 / Math.sqrt(lambda + Math.sqrt(vj));
            double gPrev = t == 1 ? gNew : 1 / Math.sqrt(lambda + Math.sqrt(vPrev));
            double zeta = explore ? Noise.gaussian(key, j) : 0;
            v[j] = (float) vj;
            element(w, alpha, u, j, f, gPrev, gNew, eta, temperature, zeta, explore);
        }
    }

    /**
     * The integrator's update of element j: reads and writes w[j], alpha[j], u[j].
     *
     * @param temperature η/β_t
     */
    protected abstract void element(float[] w, float[] alpha, float[] u, int j, double f, double gPrev, double gNew,
                                    double eta, double temperature, double zeta, boolean explore);

    /** (η/β)(1 - G_{t-1}/G_t)/u, the term that keeps the dynamics exact for a changing preconditioner. */
    protected final double correction(double temperature, double gPrev, double gNew, double u) {
        if (!correctionTerm) return 0;
        double change = 1 - gPrev / gNew;
        return change == 0 ? 0 : temperature * change / u;
    }
}
