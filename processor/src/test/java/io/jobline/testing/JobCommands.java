package io.jobline.testing;

import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.JobError;
import io.jobline.domain.JsonText;
import io.jobline.domain.RetrySpec;
import java.util.List;

/**
 * Named factories for commands. Each factory instance numbers its command ids, so two commands
 * it makes are never taken for one; the same test builds the same ids every run.
 */
public final class JobCommands {

    public static final RetrySpec FAST_RETRY = new RetrySpec(3, 1_000L, 2.0, 60_000L, 0.2);

    private int next;

    private CommandHeader header(String jobId) {
        return new CommandHeader("cmd-" + (++next), jobId, null, null, null, null, null);
    }

    public Command.Create create(String jobId) {
        return create(jobId, FAST_RETRY);
    }

    public Command.Create create(String jobId, RetrySpec retry) {
        return new Command.Create(
                header(jobId), "report", new JsonText("{\"n\":1}"), List.of(), retry, 10_000L, null, null);
    }

    public Command.Create createDependingOn(String jobId, String... dependencies) {
        return new Command.Create(
                header(jobId), "report", null, List.of(dependencies), FAST_RETRY, 10_000L, null, null);
    }

    public Command.Create createWithEgress(String jobId, String... egress) {
        return new Command.Create(header(jobId), "fetch", null, List.of(), FAST_RETRY, 10_000L, null, List.of(egress));
    }

    public Command.Create createDependingOnWithEgress(String jobId, String egress, String... dependencies) {
        return new Command.Create(
                header(jobId), "fetch", null, List.of(dependencies), FAST_RETRY, 10_000L, null, List.of(egress));
    }

    public Command.Create createNotBefore(String jobId, long notBefore) {
        return new Command.Create(header(jobId), "report", null, List.of(), FAST_RETRY, 10_000L, notBefore, null);
    }

    public Command.Create createNotBeforeWithEgress(String jobId, long notBefore, String egress) {
        return new Command.Create(
                header(jobId), "fetch", null, List.of(), FAST_RETRY, 10_000L, notBefore, List.of(egress));
    }

    public Command.Create createForTenant(String jobId, String tenant) {
        CommandHeader h = header(jobId);
        return new Command.Create(
                new CommandHeader(h.commandId(), jobId, tenant, null, null, null, null),
                "report",
                null,
                List.of(),
                FAST_RETRY,
                10_000L,
                null,
                null);
    }

    public Command.Start start(String jobId, String leaseId) {
        return new Command.Start(header(jobId), "worker-1", leaseId, null);
    }

    public Command.Start startExpecting(String jobId, String leaseId, long expectedSequence) {
        CommandHeader h = header(jobId);
        return new Command.Start(
                new CommandHeader(h.commandId(), jobId, null, null, null, expectedSequence, null),
                "worker-1",
                leaseId,
                null);
    }

    public Command.Heartbeat heartbeat(String jobId, String leaseId) {
        return new Command.Heartbeat(header(jobId), leaseId);
    }

    public Command.Complete complete(String jobId, String leaseId) {
        return new Command.Complete(header(jobId), leaseId, new JsonText("{\"rows\":42}"));
    }

    public Command.Fail fail(String jobId, String leaseId) {
        return new Command.Fail(header(jobId), leaseId, new JobError("boom", "the worker gave up", true));
    }

    public Command.Fail failPermanently(String jobId, String leaseId) {
        return new Command.Fail(header(jobId), leaseId, new JobError("bad_input", "cannot ever work", false));
    }

    public Command.Cancel cancel(String jobId) {
        return new Command.Cancel(header(jobId), "operator request");
    }

    public Command.Retry retry(String jobId) {
        return new Command.Retry(header(jobId), "fixed the input");
    }
}
