package io.jobline.api;

import io.javalin.http.Context;
import java.util.Map;

/**
 * Bearer tokens bound to tenants ({@code tenant:token,tenant:token}). A request's tenant is the
 * one its token belongs to; with no tokens configured the API is open and every request may name
 * its tenant (development only).
 */
public final class TenantAuth {

    private final Map<String, String> tenantsByToken;

    /** {@code tenantsByToken}: each bearer token mapped to its tenant; empty for an open API. */
    public TenantAuth(Map<String, String> tenantsByToken) {
        this.tenantsByToken = Map.copyOf(tenantsByToken);
    }

    public boolean isOpen() {
        return tenantsByToken.isEmpty();
    }

    /**
     * The tenant the request acts for: its token's; when open, null (any tenant).
     *
     * @throws Problem.ProblemException 401 without a known bearer token
     */
    public String tenantOf(Context ctx) {
        if (isOpen()) {
            return null;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"jobline\"");
            throw Problem.of(401, "unauthorized", "Unauthorized", "send Authorization: Bearer <token>")
                    .exception();
        }
        String tenant = tenantsByToken.get(header.substring(7).trim());
        if (tenant == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"jobline\", error=\"invalid_token\"");
            throw Problem.of(401, "unauthorized", "Unauthorized", "unknown bearer token")
                    .exception();
        }
        return tenant;
    }
}
