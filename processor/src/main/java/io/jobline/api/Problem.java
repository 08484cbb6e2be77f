package io.jobline.api;

import java.util.List;

/**
 * An RFC 9457 problem: what the API answers instead of a result. Thrown from a handler as a
 * {@link ProblemException}; rendered as {@code application/problem+json} in one place.
 *
 * @param errors the schema violations, when the problem is an invalid command
 * @param reason the processor's rejection reason, when the problem is a rejected command
 */
public record Problem(String type, String title, int status, String detail, List<String> errors, String reason) {

    static final String TYPES = "https://jobline.io/problems/";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPES + slug, title, status, detail, List.of(), null);
    }

    public Problem withErrors(List<String> value) {
        return new Problem(type, title, status, detail, List.copyOf(value), reason);
    }

    public Problem withReason(String value) {
        return new Problem(type, title, status, detail, errors, value);
    }

    /** Throwing it ends the request with this problem. */
    public ProblemException exception() {
        return new ProblemException(this);
    }

    public static final class ProblemException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient Problem problem;

        ProblemException(Problem problem) {
            super(problem.title() + ": " + problem.detail(), null, false, false);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }
}
