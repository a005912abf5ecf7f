package io.jpatroni.plugin.dcs.etcd;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes gRPC reconnect now instead of after its exponential reconnect backoff (up to two
 * minutes). Without this, a node whose etcd was away for a while keeps failing for a long time
 * after etcd is back. jetcd does not expose its channel, so it is reached by reflection; if
 * that ever fails (another jetcd version) the nudge does nothing and says so once.
 */
final class ReconnectNudge implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectNudge.class);

    private final Optional<ManagedChannel> channel;

    ReconnectNudge(Client client) {
        this.channel = channelOf(client);
    }

    @Override
    public void run() {
        channel.ifPresent(ManagedChannel::resetConnectBackoff);
    }

    boolean works() {
        return channel.isPresent();
    }

    private static Optional<ManagedChannel> channelOf(Client client) {
        try {
            Field managerField = client.getClass().getDeclaredField("connectionManager");
            managerField.setAccessible(true);
            Object manager = managerField.get(client);
            Method getChannel = manager.getClass().getDeclaredMethod("getChannel");
            getChannel.setAccessible(true);
            return Optional.of((ManagedChannel) getChannel.invoke(manager));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot reach jetcd's gRPC channel ({}); after an etcd outage reconnection may lag"
                    + " behind by gRPC's reconnect backoff", e.toString());
            return Optional.empty();
        }
    }
}
