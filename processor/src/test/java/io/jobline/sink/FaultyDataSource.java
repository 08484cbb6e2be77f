package io.jobline.sink;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that fails where a test tells it to: at a statement whose SQL contains some text,
 * so that a transaction aborts midway; or right after a commit, as if the process died there.
 */
final class FaultyDataSource implements DataSource {

    /** Fails the next {@code times} statements containing {@code sqlPart}. */
    private record StatementFault(String sqlPart, AtomicInteger times, Supplier<SQLException> error) {}

    /** Runs {@code action} after the {@code remaining}-th commit of a transaction that ran {@code sqlPart}. */
    private record CommitHook(String sqlPart, AtomicInteger remaining, Runnable action) {}

    private final DataSource delegate;
    private final AtomicReference<StatementFault> statementFault = new AtomicReference<>();
    private final AtomicReference<CommitHook> commitHook = new AtomicReference<>();

    FaultyDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** A connection failure (08006) on the next {@code times} statements whose SQL contains {@code sqlPart}. */
    void failStatements(String sqlPart, int times) {
        statementFault.set(new StatementFault(
                sqlPart,
                new AtomicInteger(times),
                () -> new SQLException("injected: connection lost before " + sqlPart, "08006")));
    }

    /**
     * Runs {@code action} once, right after the {@code nth} commit of a transaction that ran a
     * statement containing {@code sqlPart} has gone through.
     */
    void afterCommit(String sqlPart, int nth, Runnable action) {
        commitHook.set(new CommitHook(sqlPart, new AtomicInteger(nth), action));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        boolean[] ranHookedStatement = {false};
        InvocationHandler handler = (proxy, method, args) -> {
            CommitHook hook = commitHook.get();
            if (method.getName().startsWith("prepareStatement") && args != null && args[0] instanceof String sql) {
                maybeFail(sql);
                ranHookedStatement[0] |= hook != null && sql.contains(hook.sqlPart());
            }
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("commit") || method.getName().equals("rollback")) {
                boolean hooked = ranHookedStatement[0] && method.getName().equals("commit");
                ranHookedStatement[0] = false;
                if (hooked && hook.remaining().decrementAndGet() == 0 && commitHook.compareAndSet(hook, null)) {
                    hook.action().run();
                }
            }
            return result;
        };
        return (Connection)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private void maybeFail(String sql) throws SQLException {
        StatementFault fault = statementFault.get();
        if (fault != null && sql.contains(fault.sqlPart()) && fault.times().getAndDecrement() > 0) {
            throw fault.error().get();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return delegate.isWrapperFor(type);
    }
}
