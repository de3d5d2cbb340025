package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Santa with the Euler scheme (Chen et al. 2016, Algorithm 1); see {@link Santa} for the common quantities.
 * <pre>
 *   exploration (t &lt; burnin):
 *     α += u² - η/β_t
 *     u' = (η/β_t)(1 - G_{t-1}/G_t)/u + √(2·η/β_t·G_{t-1})·ζ_t
 *   refinement:  u' = 0
 *   u' += (1 - α)·u - η·G_t·f
 *   w  += G_t·u';   u = u'
 * </pre>
 */
public final class SantaE extends Santa {
    public SantaE(List<Parameter> params, double lr) {
        super(params, lr);
    }

    @Override
    public String name() {
        return "Santa-E";
    }

    @Override
    protected void element(float[] w, float[] alpha, float[] u, int j, double f, double gPrev, double gNew,
                           double eta, double temperature, double zeta, boolean explore) {
        double uPrev = u[j];
        double a = alpha[j];
        double uNew = 0;
        if (explore) {
            a += uPrev * uPrev - temperature;
            uNew = correction(temperature, gPrev, gNew, uPrev) + Math.sqrt(2 * temperature * gPrev) * zeta;
        }
        uNew += (1 - a) * uPrev - eta * gNew * f;
        alpha[j] = (float) a;
        u[j] = (float) uNew;
        w[j] += (float) (gNew * uNew);
    }
}
