package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpNetworkTest {

    private static boolean in(String network, String address) throws Exception {
        return IpNetwork.parse(network).orElseThrow().contains(InetAddress.getByName(address));
    }

    @Test
    void networksIgnoreHostBitsAndCompareTheirPrefixOnly() throws Exception {
        assertTrue(in("10.1.2.3/8", "10.200.0.1"));
        assertFalse(in("10.0.0.0/8", "11.0.0.1"));
        assertTrue(in("192.168.1.0/25", "192.168.1.127"));
        assertFalse(in("192.168.1.0/25", "192.168.1.128"));
        assertTrue(in("0.0.0.0/0", "8.8.8.8"));
        assertTrue(in("fd00::/8", "fd12::1"));
        assertFalse(in("fd00::/8", "fe80::1"));
        assertFalse(in("10.0.0.0/8", "::1"));
        assertTrue(in("127.0.0.1", "127.0.0.1"));
        assertFalse(in("127.0.0.1", "127.0.0.2"));
    }

    @Test
    void onlyIpLiteralsParseNeverHostNames() {
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0/8", "256.1.1.1", "example.com", "localhost/8", "::1/129",
                "10.0.0.0/x", ""}) {
            assertTrue(IpNetwork.parse(bad).isEmpty(), bad);
        }
    }
}
