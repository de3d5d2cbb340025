package jcnn.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import jcnn.nn.Parameter;
import jcnn.testing.Tensors;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Each optimizer's first steps against its paper's update rule, written out here in double from the paper's
 * equations (independently of the implementation). Two parameters, of shapes (2, 3) and (3,), with fixed
 * gradients per step; the rule runs on the 9 elements concatenated.
 */
class PaperRulesTest {
    static final int N = 9;
    static final int STEPS = 3;

    // ---------------------------------------------------------------------------------------------------
    // Harness
    // ---------------------------------------------------------------------------------------------------

    static List<Parameter> params() {
        return List.of(
                new Parameter("weight", Parameter.Kind.WEIGHT, Tensors.random(11, 2, 3), 3, 2),
                new Parameter("bias", Parameter.Kind.BIAS, Tensors.random(12, 3), 3, 2));
    }

    static double[] values(List<Parameter> ps) {
        double[] out = new double[N];
        int k = 0;
        for (Parameter p : ps) for (float v : p.value().data()) out[k++] = v;
        return out;
    }

    static void setGrads(List<Parameter> ps, double[] g) {
        int k = 0;
        for (Parameter p : ps) {
            float[] d = p.grad().data();
            for (int j = 0; j < d.length; j++) d[j] = (float) g[k++];
        }
    }

    /** The fixed gradient of step t (1-based), uniform in [-scale, scale), exactly representable in float. */
    static double[] grad(int t, double scale) {
        SplittableRandom rng = new SplittableRandom(100 + t);
        double[] g = new double[N];
        for (int i = 0; i < N; i++) g[i] = (float) (scale * (2 * rng.nextDouble() - 1));
        return g;
    }

    interface Rule {
        /** Updates w in place for step t (1-based) with gradient g (and the loss f, for Eve). */
        void step(int t, double[] w, double[] g, double f);
    }

    /**
     * Runs the optimizer and the rule side by side and compares the displacements w_t - w_0 (not the weights,
     * whose float rounding would hide errors in small updates): |actual - expected| <= rtol·|expected| + 2e-7.
     */
    static void check(Function<List<Parameter>, Optimizer> make, Rule rule, int steps, double gradScale,
                      double[] losses, double rtol) {
        List<Parameter> ps = params();
        Optimizer opt = make.apply(ps);
        double[] w0 = values(ps);
        double[] w = w0.clone();
        for (int t = 1; t <= steps; t++) {
            double[] g = grad(t, gradScale);
            double f = losses == null ? Double.NaN : losses[t - 1];
            setGrads(ps, g);
            opt.step(f, null);
            rule.step(t, w, g.clone(), f);
            assertDisplacement(w0, w, values(ps), rtol, opt + " after step " + t);
        }
    }

    static void assertDisplacement(double[] w0, double[] expected, double[] actual, double rtol, String what) {
        for (int i = 0; i < N; i++) {
            double e = expected[i] - w0[i], a = actual[i] - w0[i];
            if (!(Math.abs(a - e) <= rtol * Math.abs(e) + 2e-7)) {
                fail(what + ": element " + i + " moved by " + a + ", expected " + e + " (rtol " + rtol + ")");
            }
        }
    }

    static void check(Function<List<Parameter>, Optimizer> make, Rule rule) {
        check(make, rule, STEPS, 1, null, 1e-4);
    }

    // ---------------------------------------------------------------------------------------------------
    // SGD and momentum (Sutskever et al. 2013)
    // ---------------------------------------------------------------------------------------------------

    @Test
    void sgd() {
        double lr = 0.1;
        check(ps -> new SGD(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) w[i] -= lr * g[i];
        });
    }

    @Test
    void momentumIsSutskeversClassicalMomentum() {
        double lr = 0.1, mu = 0.9;
        double[] v = new double[N];
        check(ps -> new Momentum(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                v[i] = mu * v[i] - lr * g[i]; // v_{t+1} = μ v_t - ε ∇f(θ_t)
                w[i] += v[i];                  // θ_{t+1} = θ_t + v_{t+1}
            }
        });
    }

    /**
     * NAG evaluates the gradient at the look-ahead point θ + μv; the optimizer's weights are that point. On
     * f(x) = Σ a_i x_i²/2 + b_i x_i, run Sutskever's form and compare the optimizer to θ_t + μ v_t.
     */
    @Test
    void nesterovTracksTheLookAheadPointOfSutskeversNag() {
        double lr = 0.05, mu = 0.9;
        double[] a = new double[N], b = new double[N];
        for (int i = 0; i < N; i++) {
            a[i] = 1 + i;
            b[i] = 0.3 * (i % 3) - 0.4;
        }
        List<Parameter> ps = params();
        Optimizer opt = new Nesterov(ps, lr);
        double[] theta = values(ps), v = new double[N];
        for (int t = 1; t <= 5; t++) {
            double[] x = values(ps), g = new double[N];
            for (int i = 0; i < N; i++) g[i] = a[i] * x[i] + b[i];
            setGrads(ps, g);
            opt.step();
            float[] expected = new float[N];
            for (int i = 0; i < N; i++) {
                double look = theta[i] + mu * v[i];
                v[i] = mu * v[i] - lr * (a[i] * look + b[i]);
                theta[i] += v[i];
                expected[i] = (float) (theta[i] + mu * v[i]);
            }
            float[] actual = new float[N];
            for (int i = 0; i < N; i++) actual[i] = (float) values(ps)[i];
            Tensors.assertClose(expected, actual, 1e-5, 1e-6, opt + " after step " + t);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Adaptive learning rates
    // ---------------------------------------------------------------------------------------------------

    @Test
    void adagrad() { // Duchi et al. 2011, diagonal form: θ -= η g / (√Σg² + ε)
        double lr = 0.1, eps = 1e-10;
        double[] s = new double[N];
        check(ps -> new Adagrad(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                s[i] += g[i] * g[i];
                w[i] -= lr * g[i] / (Math.sqrt(s[i]) + eps);
            }
        });
    }

    @Test
    void rmsprop() { // Tieleman & Hinton 2012: MeanSquare = α·MeanSquare + (1-α)·g²; w -= η g / √MeanSquare
        double lr = 0.01, alpha = 0.99, eps = 1e-8;
        double[] ms = new double[N];
        check(ps -> new RMSprop(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                ms[i] = alpha * ms[i] + (1 - alpha) * g[i] * g[i];
                w[i] -= lr * g[i] / (Math.sqrt(ms[i]) + eps);
            }
        });
    }

    @Test
    void adadelta() { // Zeiler 2012, Algorithm 1 (times the learning rate, 1 in the paper)
        double lr = 1.0, rho = 0.9, eps = 1e-6;
        double[] eg2 = new double[N], edx2 = new double[N];
        check(ps -> new Adadelta(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                eg2[i] = rho * eg2[i] + (1 - rho) * g[i] * g[i];
                double dx = -Math.sqrt(edx2[i] + eps) / Math.sqrt(eg2[i] + eps) * g[i];
                edx2[i] = rho * edx2[i] + (1 - rho) * dx * dx;
                w[i] += lr * dx;
            }
        });
    }

    @Test
    void rmspropGraves() { // Graves 2013, eqs. 38-41
        double lr = 1e-4, aleph = 0.95, beth = 0.9, daleth = 1e-4;
        double[] n = new double[N], gm = new double[N], delta = new double[N];
        check(ps -> new RMSpropGraves(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                n[i] = aleph * n[i] + (1 - aleph) * g[i] * g[i];
                gm[i] = aleph * gm[i] + (1 - aleph) * g[i];
                delta[i] = beth * delta[i] - lr * g[i] / Math.sqrt(n[i] - gm[i] * gm[i] + daleth);
                w[i] += delta[i];
            }
        });
    }

    @Test
    void smorms3() { // Funk 2015
        double lr = 1e-3, eps = 1e-16;
        double[] mem = new double[N], g1 = new double[N], g2 = new double[N];
        java.util.Arrays.fill(mem, 1);
        check(ps -> new SMORMS3(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                double r = 1 / (mem[i] + 1);
                g1[i] = (1 - r) * g1[i] + r * g[i];
                g2[i] = (1 - r) * g2[i] + r * g[i] * g[i];
                double x = g1[i] * g1[i] / (g2[i] + eps);
                w[i] -= g[i] * Math.min(lr, x) / (Math.sqrt(g2[i]) + eps);
                mem[i] = 1 + mem[i] * (1 - x);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Adam and its family
    // ---------------------------------------------------------------------------------------------------

    /** Kingma & Ba 2015, Algorithm 1. */
    static Rule adamRule(double lr, double b1, double b2, double eps, double decoupledDecay) {
        double[] m = new double[N], v = new double[N];
        return (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                // AdamW (Loshchilov & Hutter 2019, Algorithm 2): θ -= η(α m̂/(√v̂ + ε) + λθ), η = 1, λ = lr·wd
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps) + decoupledDecay * w[i];
            }
        };
    }

    @Test
    void adam() {
        check(ps -> new Adam(ps, 0.01), adamRule(0.01, 0.9, 0.999, 1e-8, 0));
        check(ps -> new Adam(ps, 0.01).betas(0.8, 0.99).eps(1e-3), adamRule(0.01, 0.8, 0.99, 1e-3, 0));
    }

    @Test
    void adamW() {
        double lr = 0.01, wd = 0.1;
        check(ps -> new AdamW(ps, lr).weightDecay(wd), adamRule(lr, 0.9, 0.999, 1e-8, lr * wd));
        check(ps -> new AdamW(ps, lr), adamRule(lr, 0.9, 0.999, 1e-8, lr * 0.01)); // default decay 0.01
    }

    @Test
    void adamax() { // Kingma & Ba 2015, Algorithm 2 (PyTorch adds eps = 1e-8 inside the max: invisible here)
        double lr = 0.002, b1 = 0.9, b2 = 0.999;
        double[] m = new double[N], u = new double[N];
        check(ps -> new Adamax(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
                w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / u[i];
            }
        });
    }

    @Test
    void nadam() { // Dozat 2016, Algorithm 2 with μ_t = β1(1 - 0.5·0.96^(t·ψ))
        double lr = 0.002, b1 = 0.9, b2 = 0.999, eps = 1e-8, psi = 0.004;
        double[] m = new double[N], n = new double[N], prod = {1};
        check(ps -> new NAdam(ps, lr), (t, w, g, f) -> {
            double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
            double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
            prod[0] *= mu;
            for (int i = 0; i < N; i++) {
                double gHat = g[i] / (1 - prod[0]);
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                double mHat = m[i] / (1 - prod[0] * muNext);
                n[i] = b2 * n[i] + (1 - b2) * g[i] * g[i];
                double nHat = n[i] / (1 - Math.pow(b2, t));
                double mBar = (1 - mu) * gHat + muNext * mHat;
                w[i] -= lr * mBar / (Math.sqrt(nHat) + eps);
            }
        });
    }

    /** Reddi et al. 2018, Algorithm 2 (β1t = β1) with step size α_t = α√(1-β2^t)/(1-β1^t). */
    @Test
    void amsgrad() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] m = new double[N], v = new double[N], vHat = new double[N];
        check(ps -> new AMSGrad(ps, lr), (t, w, g, f) -> {
            double alphaT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                vHat[i] = Math.max(vHat[i], v[i]);
                // ε (absent from the paper) sits where PyTorch puts it: added to √v̂ / √(1-β2^t)
                w[i] -= alphaT * m[i] / (Math.sqrt(vHat[i]) + eps * Math.sqrt(1 - Math.pow(b2, t)));
            }
        }, 4, 1, null, 1e-4);
    }

    /** Luo et al. 2019: η_t = Clip(α_t/√v_t, η_l(t), η_u(t)), x -= η_t ⊙ m_t, α_t = α√(1-β2^t)/(1-β1^t). */
    static Rule adaBoundRule(double lr, double finalLr, double gamma, boolean ams) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] m = new double[N], v = new double[N], vHat = new double[N];
        return (t, w, g, f) -> {
            double alphaT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            double lower = finalLr * (1 - 1 / (gamma * t + 1)), upper = finalLr * (1 + 1 / (gamma * t));
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                vHat[i] = Math.max(vHat[i], v[i]);
                double eta = alphaT / (Math.sqrt(ams ? vHat[i] : v[i]) + eps);
                eta = Math.min(Math.max(eta, lower), upper);
                w[i] -= eta * m[i];
            }
        };
    }

    @Test
    void adaBound() {
        check(ps -> new AdaBound(ps, 1e-3), adaBoundRule(1e-3, 0.1, 1e-3, false));
        // a fast-closing band: small gradients hit the upper bound, large ones the lower
        check(ps -> new AdaBound(ps, 0.01).gamma(0.5), adaBoundRule(0.01, 0.1, 0.5, false), STEPS, 1, null, 1e-4);
        check(ps -> new AdaBound(ps, 0.01).gamma(0.5), adaBoundRule(0.01, 0.1, 0.5, false), STEPS, 5, null, 1e-4);
    }

    @Test
    void amsBound() {
        check(ps -> new AMSBound(ps, 0.01).gamma(0.5), adaBoundRule(0.01, 0.1, 0.5, true), 4, 1, null, 1e-4);
        check(ps -> new AMSBound(ps, 0.01).gamma(0.5), adaBoundRule(0.01, 0.1, 0.5, true), 4, 5, null, 1e-4);
    }

    @Test
    void adaBelief() { // Zhuang et al. 2020, Algorithm 2
        double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-16;
        double[] m = new double[N], s = new double[N];
        check(ps -> new AdaBelief(ps, lr), (t, w, g, f) -> {
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                s[i] = b2 * s[i] + (1 - b2) * (g[i] - m[i]) * (g[i] - m[i]) + eps;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double sHat = s[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(sHat) + eps);
            }
        });
    }

    /** Koushik & Hayashi 2016, Algorithm 1; the losses make the ratio clip high, clip low, and stay inside. */
    @Test
    void eve() {
        double[] losses = {2.0, 2.1, 0.1, 0.08, 30.0};
        check(ps -> new Eve(ps, 1e-3), eveRule(1e-3, 0.999), 5, 1, losses, 1e-4);
        // a short memory β3 and a large step, so that d_t visibly changes the steps
        check(ps -> new Eve(ps, 0.1).betas(0.9, 0.999, 0.5), eveRule(0.1, 0.5), 5, 1, losses, 1e-4);
    }

    static Rule eveRule(double lr, double b3) {
        double b1 = 0.9, b2 = 0.999, k = 0.1, bigK = 10, eps = 1e-8;
        double[] m = new double[N], v = new double[N], state = {1, 0}; // d, f̂
        Rule rule = (t, w, g, f) -> {
            if (t > 1) {
                double fHat = state[1];
                double delta = f >= fHat ? k + 1 : 1 / (bigK + 1);
                double bigDelta = f >= fHat ? bigK + 1 : 1 / (k + 1);
                double c = Math.min(Math.max(delta, f / fHat), bigDelta);
                double fNew = c * fHat;
                double r = Math.abs(fNew - fHat) / Math.min(fNew, fHat);
                state[0] = b3 * state[0] + (1 - b3) * r;
                state[1] = fNew;
            } else {
                state[0] = 1;
                state[1] = f;
            }
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (state[0] * Math.sqrt(vHat) + eps);
            }
        };
        return rule;
    }

    // ---------------------------------------------------------------------------------------------------
    // Santa (Chen et al. 2016)
    // ---------------------------------------------------------------------------------------------------

    /** The noise the optimizer draws for the 9 concatenated elements at step t. */
    static double[] noise(long seed, long t) {
        double[] z = new double[N];
        for (int i = 0; i < N; i++) z[i] = Noise.gaussian(seed, t, i < 6 ? 0 : 1, i < 6 ? i : i - 6);
        return z;
    }

    /** Algorithms 1 (Euler) and 2 (SSS), f = the gradient, N = 1; G_0 = G_1 (see Santa). */
    static Rule santaRule(boolean sss, double eta, double sigma, double lambda, double c, double gammaAnneal,
                          long burnin, long seed) {
        return santaRule(sss, eta, sigma, lambda, c, gammaAnneal, burnin, seed, true);
    }

    static Rule santaRule(boolean sss, double eta, double sigma, double lambda, double c, double gammaAnneal,
                          long burnin, long seed, boolean correction) {
        double keep = correction ? 1 : 0;
        double[] v = new double[N], alpha = new double[N], u = new double[N], gPrev = new double[N];
        return (t, w, f, loss) -> {
            if (t == 1) {
                double[] z0 = noise(seed, 0);
                for (int i = 0; i < N; i++) {
                    u[i] = Math.sqrt(eta) * z0[i];
                    alpha[i] = Math.sqrt(eta) * c;
                }
            }
            double beta = Math.pow(t, gammaAnneal);
            double[] zeta = noise(seed, t);
            for (int i = 0; i < N; i++) {
                v[i] = sigma * v[i] + (1 - sigma) * f[i] * f[i];
                double g = 1 / Math.sqrt(lambda + Math.sqrt(v[i]));
                double gp = t == 1 ? g : gPrev[i];
                if (!sss) {
                    double uNew = 0;
                    if (t < burnin) {
                        alpha[i] += u[i] * u[i] - eta / beta;
                        uNew = keep * eta / beta * (1 - gp / g) / u[i] + Math.sqrt(2 * eta / beta * gp) * zeta[i];
                    }
                    uNew += (1 - alpha[i]) * u[i] - eta * g * f[i];
                    w[i] += g * uNew;
                    u[i] = uNew;
                } else {
                    w[i] += g * u[i] / 2;
                    double uNew;
                    if (t < burnin) {
                        alpha[i] += (u[i] * u[i] - eta / beta) / 2;
                        uNew = Math.exp(-alpha[i] / 2) * u[i];
                        uNew = uNew - g * f[i] * eta + Math.sqrt(2 * gp * eta / beta) * zeta[i]
                                + keep * eta / beta * (1 - gp / g) / u[i];
                        uNew = Math.exp(-alpha[i] / 2) * uNew;
                        alpha[i] += (uNew * uNew - eta / beta) / 2;
                    } else {
                        uNew = Math.exp(-alpha[i] / 2) * u[i];
                        uNew = uNew - g * f[i] * eta;
                        uNew = Math.exp(-alpha[i] / 2) * uNew;
                    }
                    w[i] += g * uNew / 2;
                    u[i] = uNew;
                }
                gPrev[i] = g;
            }
        };
    }

    @Test
    void santaE() { // steps 1-2 explore, 3-4 refine
        check(ps -> new SantaE(ps, 1e-3).burnin(3).seed(7), santaRule(false, 1e-3, 0.99, 1e-8, 1, 0.5, 3, 7), 4, 1, null, 1e-4);
        check(ps -> new SantaE(ps, 1e-2).sigma(0.9).c(5).burnin(100).seed(3),
                santaRule(false, 1e-2, 0.9, 1e-8, 5, 0.5, 100, 3), 4, 1, null, 1e-4);
        check(ps -> new SantaE(ps, 1e-2).burnin(100).correctionTerm(false),
                santaRule(false, 1e-2, 0.99, 1e-8, 1, 0.5, 100, 0, false), 4, 1, null, 1e-4);
    }

    @Test
    void santaSSS() {
        check(ps -> new SantaSSS(ps, 1e-3).burnin(3).seed(7), santaRule(true, 1e-3, 0.99, 1e-8, 1, 0.5, 3, 7), 4, 1, null, 1e-4);
        check(ps -> new SantaSSS(ps, 1e-2).sigma(0.9).c(5).burnin(100).seed(3),
                santaRule(true, 1e-2, 0.9, 1e-8, 5, 0.5, 100, 3), 4, 1, null, 1e-4);
        check(ps -> new SantaSSS(ps, 1e-2).burnin(100).correctionTerm(false),
                santaRule(true, 1e-2, 0.99, 1e-8, 1, 0.5, 100, 0, false), 4, 1, null, 1e-4);
    }

    // ---------------------------------------------------------------------------------------------------
    // SAM (Foret et al. 2021)
    // ---------------------------------------------------------------------------------------------------

    /** Algorithm 1 with an SGD base step on f(w) = Σ a_i w_i²/2 + b_i w_i + c_i w_i³/3 (non-quadratic). */
    @Test
    void samAscendsThenStepsWithTheGradientThere() {
        double lr = 0.05, rho = 0.1;
        double[] a = new double[N], b = new double[N], c = new double[N];
        for (int i = 0; i < N; i++) {
            a[i] = 1 + i;
            b[i] = 0.2 * (i % 4) - 0.3;
            c[i] = 0.5 * (i % 2);
        }
        Function<double[], double[]> grad = x -> {
            double[] g = new double[N];
            for (int i = 0; i < N; i++) g[i] = a[i] * x[i] + b[i] + c[i] * x[i] * x[i];
            return g;
        };
        List<Parameter> ps = params();
        Optimizer opt = new SAM(new SGD(ps, lr)).rho(rho);
        double[] w = values(ps);
        List<Double> closureCalls = new ArrayList<>();
        Closure closure = () -> {
            setGrads(ps, grad.apply(values(ps)));
            closureCalls.add(1.0);
            return 0;
        };
        for (int t = 1; t <= STEPS; t++) {
            setGrads(ps, grad.apply(values(ps)));
            opt.step(1.0, closure);
            double[] g = grad.apply(w);
            double norm = 0;
            for (double x : g) norm += x * x;
            norm = Math.sqrt(norm);
            double[] wAdv = new double[N];
            for (int i = 0; i < N; i++) wAdv[i] = w[i] + rho * g[i] / norm; // ε̂(w) = ρ g / ‖g‖
            double[] gSam = grad.apply(wAdv);
            for (int i = 0; i < N; i++) w[i] -= lr * gSam[i];
            float[] expected = new float[N], actual = new float[N];
            double[] now = values(ps);
            for (int i = 0; i < N; i++) {
                expected[i] = (float) w[i];
                actual[i] = (float) now[i];
            }
            Tensors.assertClose(expected, actual, 1e-5, 1e-6, opt + " after step " + t);
        }
        org.junit.jupiter.api.Assertions.assertEquals(STEPS, closureCalls.size());
    }

    @Test
    void helpersAgree() {
        // the harness's flattening follows the parameters' order
        List<Parameter> ps = params();
        double[] g = grad(1, 1);
        setGrads(ps, g);
        org.junit.jupiter.api.Assertions.assertEquals((float) g[7], ps.get(1).grad().data()[1]);
        org.junit.jupiter.api.Assertions.assertEquals(ps.get(0).value().get(1, 2), (float) values(ps)[5]);
    }
}
