package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Santa with the symmetric splitting scheme (Chen et al. 2016, Algorithm 2); see {@link Santa} for the common
 * quantities. The gradient is the one given, at the weights before the step, as in the paper's algorithm.
 * <pre>
 *   w += G_t·u/2
 *   exploration (t &lt; burnin):
 *     α += (u² - η/β_t)/2
 *     u' = e^(-α/2)·u
 *     u' = u' - η·G_t·f + √(2·η/β_t·G_{t-1})·ζ_t + (η/β_t)(1 - G_{t-1}/G_t)/u
 *     u' = e^(-α/2)·u'
 *     α += (u'² - η/β_t)/2
 *   refinement:
 *     u' = e^(-α/2)·(e^(-α/2)·u - η·G_t·f)
 *   w += G_t·u'/2;   u = u'
 * </pre>
 */
public final class SantaSSS extends Santa {
    public SantaSSS(List<Parameter> params, double lr) {
        super(params, lr);
    }

    @Override
    public String name() {
        return "Santa-SSS";
    }

    @Override
    protected void element(float[] w, float[] alpha, float[] u, int j, double f, double gPrev, double gNew,
                           double eta, double temperature, double zeta, boolean explore) {
        double uPrev = u[j];
        double a = alpha[j];
        double wj = w[j] + gNew * uPrev / 2;
        double uNew;
        if (explore) {
            a += (uPrev * uPrev - temperature) / 2;
            double decay = Math.exp(-a / 2);
            uNew = decay * uPrev;
            uNew = uNew - eta * gNew * f + Math.sqrt(2 * temperature * gPrev) * zeta
                    + correction(temperature, gPrev, gNew, uPrev);
            uNew = decay * uNew;
            a += (uNew * uNew - temperature) / 2;
        } else {
            double decay = Math.exp(-a / 2);
            uNew = decay * (decay * uPrev - eta * gNew * f);
        }
        alpha[j] = (float) a;
        u[j] = (float) uNew;
        w[j] = (float) (wj + gNew * uNew / 2);
    }
}
