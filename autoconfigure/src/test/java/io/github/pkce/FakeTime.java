package io.github.pkce;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock and a {@link DeviceAuthorizationClient.Sleeper} in one: each wait is recorded
 * and moves the clock forward at once, so polling tests never sleep.
 */
final class FakeTime extends Clock implements DeviceAuthorizationClient.Sleeper {

	private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

	final List<Duration> sleeps = new CopyOnWriteArrayList<>();

	@Override
	public void sleep(Duration duration) {
		this.sleeps.add(duration);
		this.now = this.now.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
