package dev.lp.app.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;

/** Who owns which partition in a consumer group, as the broker's group coordinator tells it. */
public final class ConsumerGroups {

  private ConsumerGroups() {}

  /**
   * The partitions of {@code topic} each member of {@code group} is assigned, by the member's
   * client id (a member with none is listed with an empty set); empty when the group has no
   * members or the broker does not answer within {@code timeout}.
   */
  public static Map<String, Set<Integer>> assignment(Admin admin, String group, String topic, Duration timeout) {
    var out = new TreeMap<String, Set<Integer>>();
    try {
      var description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (MemberDescription m : description.members()) {
        var owned = out.computeIfAbsent(m.clientId(), k -> new TreeSet<>());
        m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
            .forEach(tp -> owned.add(tp.partition()));
      }
    } catch (ExecutionException | TimeoutException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
    return out;
  }
}
