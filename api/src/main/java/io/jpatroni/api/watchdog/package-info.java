/**
 * The watchdog SPI: a {@link io.jpatroni.api.watchdog.WatchdogProvider} opens a
 * {@link io.jpatroni.api.watchdog.Watchdog} when this node becomes leader; the HA loop keeps it
 * alive after each successful lock update and closes it on demotion, pause and shutdown.
 */
package io.jpatroni.api.watchdog;
