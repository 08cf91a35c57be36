package io.pushgate.uac;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.pushgate.config.Config;
import io.pushgate.config.ConfigException;
import java.util.List;
import org.junit.Test;

/** The timing and routing rules of the UAC module, as plain functions. */
public class UacRulesTest {
    private static UacSettings settings(String ini) {
        return UacSettings.from(Config.parse("[uac]\n" + ini, List.of(UacSettings.SECTION)));
    }

    @Test
    public void aRefreshComesAtTheShareOfTheGrantAndNeverLaterThanTenSecondsBeforeItsEnd() {
        UacSettings s = settings("");
        assertEquals(2_880_000, s.refreshInMs(3600));
        assertEquals("80% would be 24 s, 10 s before the end is 20 s", 20_000, s.refreshInMs(30));
        assertEquals("a grant of 10 s or less: at half", 5_000, s.refreshInMs(10));
        assertEquals("never sooner than a second", 1_000, s.refreshInMs(1));
    }

    @Test
    public void retriesBackOffExponentiallyWithJitterUpToTheMaximumAndHonourRetryAfter() {
        UacSettings s = settings("retry-min = 5\nretry-max = 60\n");
        assertEquals(5_000, s.retryInMs(1, 0, 0.0));
        assertEquals("half taken off at most", 2_500, s.retryInMs(1, 0, 1.0));
        assertEquals(10_000, s.retryInMs(2, 0, 0.0));
        assertEquals(40_000, s.retryInMs(4, 0, 0.0));
        assertEquals("capped", 60_000, s.retryInMs(10, 0, 0.0));
        assertEquals("capped whatever the count", 60_000, s.retryInMs(1000, 0, 0.0));
        assertEquals("Retry-After is the least wait", 120_000, s.retryInMs(1, 120, 0.5));
    }

    @Test
    public void aRouteTakesItsPrefixOrDomainAndNamesItsProvidersInOrder() {
        TrunkRoute byPrefix = TrunkRoute.parse("prefix:00>trunk1/trunk2;from=anonymous", "uac.routes");
        assertEquals("4930123", byPrefix.target("004930123", "example.com"));
        assertNull(byPrefix.target("4930123", "example.com"));
        assertNull("the prefix alone is no number", byPrefix.target("00", "example.com"));
        assertEquals(List.of("trunk1", "trunk2"), byPrefix.registrations());
        assertEquals(TrunkRoute.FromRule.ANONYMOUS, byPrefix.from());
        TrunkRoute byDomain = TrunkRoute.parse("domain:carrier.example>t;from-name=Acme%20Sales;to=keep", "uac.routes");
        assertEquals("bob", byDomain.target("bob", "Carrier.Example"));
        assertNull(byDomain.target("bob", "example.com"));
        assertEquals("Acme Sales", byDomain.fromName());
        assertEquals(false, byDomain.toTarget());
        assertEquals(TrunkRoute.FromRule.IDENTITY, byDomain.from());
    }

    @Test
    public void aBadRouteNamesTheKeyAndWhy() {
        for (String bad : List.of("00>t", "prefix:00", "prefix:0a>t", "prefix:0>t;from=boss", "domain:x>t;colour=red", "prefix:0>bad uuid")) {
            try {
                settings("routes = " + bad + "\n");
                fail("accepted " + bad);
            } catch (ConfigException e) {
                assertEquals("uac.routes", e.key());
                assertTrue(e.getMessage(), e.getMessage().contains("'"));
            }
        }
    }
}
