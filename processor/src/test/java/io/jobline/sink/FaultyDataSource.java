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
 * A DataSource that fails where a test tells it to: a statement whose SQL contains some text, so
 * that a transaction aborts midway; or right after a commit, as if the process died there.
 */
final class FaultyDataSource implements DataSource {

    /** What a test arms: fail the next {@code times} statements containing {@code sqlPart}. */
    private record StatementFault(String sqlPart, AtomicInteger times, Supplier<SQLException> error) {}

    private final DataSource delegate;
    private final AtomicReference<StatementFault> statementFault = new AtomicReference<>();
    private final AtomicReference<Runnable> afterCommit = new AtomicReference<>();

    FaultyDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** A connection failure (08006) on the next {@code times} statements whose SQL contains {@code sqlPart}. */
    void failStatements(String sqlPart, int times) {
        statementFault.set(new StatementFault(sqlPart, new AtomicInteger(times),
                () -> new SQLException("injected: connection lost before " + sqlPart, "08006")));
    }

    /** Runs {@code action} after the next commit has gone through, once. */
    void afterNextCommit(Runnable action) {
        afterCommit.set(action);
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
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("prepareStatement") && args != null && args[0] instanceof String sql) {
                maybeFail(sql);
            }
            try {
                Object result = method.invoke(connection, args);
                if (method.getName().equals("commit")) {
                    Runnable action = afterCommit.getAndSet(null);
                    if (action != null) {
                        action.run();
                    }
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                handler);
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
