use super::super::{Scale, compared, contradiction, parse};
use super::Toward;

fn against(q: &str, text: &str) -> Option<String> {
    let c = compared(&parse(q).expect(q)).expect(q);
    contradiction(&c, &[text])
}

const STALLED: &str = "No publication job finished for 30 minutes.";

/// Alerts on a job that stopped, each wrong in its own way against its text.
#[test]
fn an_age_its_text_contradicts_is_found() {
    let last = "max(publication_job_last_success_timestamp_seconds)";
    for (q, text, says) in [
        // The healthy side.
        (
            format!("time() - {last} < 1800"),
            STALLED,
            "compare with `>`",
        ),
        (
            format!("{last} > time() - 1800"),
            STALLED,
            "is below 30m (the age `< 1800`)",
        ),
        (
            "time() - pg_postmaster_start_time_seconds > 60".into(),
            "Postgresql restarted",
            "compare with `<`",
        ),
        // Another age.
        (
            format!("time() - {last} > 18000"),
            STALLED,
            "above 5h (the age `> 18000`)",
        ),
        (
            format!("{last} < time() - 18000"),
            STALLED,
            "above 5h (the age `> 18000`)",
        ),
        (
            "max by (job) (time() - x_last_scrape_timestamp) > 600".into(),
            "has not scraped metrics in the last hour",
            "(1h)",
        ),
        (
            "time() - redis_rdb_last_save_timestamp_seconds > 60 * 60 * 48".into(),
            "Redis has not been backed up for 24 hours",
            "above 2d (the age `> 172800`)",
        ),
        (
            "(time() - systemd_timer_last_trigger_seconds) / 3600 > 48".into(),
            "Systemd timer has not triggered for over 24 hours.",
            "above 2d (the age `> 48`)",
        ),
        // A certificate's time left.
        (
            "probe_ssl_earliest_cert_expiry - time() > 86400 * 30".into(),
            "SSL certificate expires in less than 30 days",
            "compare with `<`",
        ),
        (
            "(probe_ssl_earliest_cert_expiry - time()) / 86400 < 3".into(),
            "SSL certificate expires in less than 30 days",
            "below 3d (the time left `< 3`)",
        ),
        (
            "probe_ssl_earliest_cert_expiry < time() + 86400 * 3".into(),
            "Certificate expires in less than 30 days",
            "below 3d (the time left `< 259200`)",
        ),
        (
            "probe_ssl_earliest_cert_expiry - time() < 30".into(),
            "Certificate expires in 30 days",
            "compare with `2592000`",
        ),
        // Minutes where seconds are counted.
        (
            format!("time() - {last} > 30"),
            STALLED,
            "compare with `1800`",
        ),
        (
            "(time() - x_last_success_timestamp_seconds) / 60 > 24".into(),
            "no success for 24h",
            "compare with `1440`",
        ),
    ] {
        let why = against(&q, text).unwrap_or_else(|| panic!("{q} / {text}: passed"));
        assert!(why.contains(says), "{q} / {text}: {why}");
    }
}

/// awesome-prometheus-alerts' alerts over a time since, and the example's: their texts
/// say what they compare.
#[test]
fn an_age_its_text_agrees_with_passes() {
    for (q, text) in [
        (
            "time() - max(publication_job_last_success_timestamp_seconds) > 1800",
            STALLED,
        ),
        (
            "time() - container_last_seen > 60",
            "A container has disappeared",
        ),
        (
            "time() - stackdriver_monitoring_last_scrape_timestamp > 600",
            "Stackdriver exporter has not successfully scraped metrics for project x in the last 10 minutes.",
        ),
        (
            "(time() - cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds{component=\"store-gateway\"} > 1800) and cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds{component=\"store-gateway\"} > 0",
            "Mimir store-gateway x has not synced the bucket for more than 30 minutes.",
        ),
        (
            "min by (user, job) (time() - cortex_bucket_index_last_successful_update_timestamp_seconds) > 2100",
            "Mimir bucket index for tenant x has not been updated for more than 35 minutes.",
        ),
        (
            "time() - pg_postmaster_start_time_seconds < 60",
            "Postgresql restarted",
        ),
        (
            "time() - rabbitmq_queue_head_message_timestamp{queue=\"my-queue\"} > 60",
            "Queue messages are consumed slowly (> 60s)",
        ),
        (
            "time() - redis_rdb_last_save_timestamp_seconds > 60 * 60 * 48",
            "Redis has not been backed up for 48 hours",
        ),
        (
            "(time() - systemd_timer_last_trigger_seconds) / 3600 > 24 and systemd_timer_last_trigger_seconds > 0",
            "Systemd timer x has not triggered for over 24 hours.",
        ),
        (
            "(time() - max by (job) (max_over_time(thanos_objstore_bucket_last_successful_upload_time[24h]))) / 60 / 60 > 24",
            "Thanos Compact x has not uploaded anything for 24 hours.",
        ),
        (
            "avg by (exported_namespace, namespace, name) (certmanager_certificate_expiration_timestamp_seconds - time()) < (21 * 24 * 3600)",
            "The certificate x is expiring in less than 21 days.",
        ),
        (
            "ssl_verified_cert_not_after{chain_no=\"0\"} - time() < 86400 * 7",
            "x Certificate is expiring in 7 days",
        ),
        (
            "x_cert_not_after - time() > 86400 * 400",
            "Certificate valid for more than 400 days: it expires too late for the policy.",
        ),
        // A grace period, an interval beside the age, a unit alone, none named.
        (
            "time() - backup_last_success_timestamp_seconds > 90000",
            "No backup in the last day.",
        ),
        (
            "time() - x_last_success_timestamp_seconds > 1800",
            "The job runs every 10 minutes; none finished for half an hour.",
        ),
        (
            "x_last_success_timestamp_seconds < time() - 3600",
            "No success for an hour; a second worker takes over.",
        ),
        (
            "time() - x_last_success_timestamp_seconds > 1800",
            "The job stalled.",
        ),
    ] {
        let c = compared(&parse(q).unwrap()).unwrap();
        assert!(matches!(c.scale, Scale::FromNow(..)), "{q}: {c:?}");
        assert_eq!(against(q, text), None, "{q} / {text}");
    }
}

/// A comparison with another series, or of now alone, is no time from now.
#[test]
fn only_a_time_from_now_is_read() {
    let toward = |q: &str| match compared(&parse(q).unwrap()).map(|c| c.scale) {
        Some(Scale::FromNow(toward, per)) => Some((toward, per)),
        _ => None,
    };
    assert_eq!(toward("time() - max(x) > 5"), Some((Toward::Since, 1.0)));
    assert_eq!(toward("x < time() - 5"), Some((Toward::Since, 1.0)));
    assert_eq!(toward("time() - 5 > x"), Some((Toward::Since, 1.0)));
    assert_eq!(
        toward("(x - time()) / 60 / 60 < 5"),
        Some((Toward::Until, 3600.0))
    );
    assert_eq!(toward("x < 5 + time()"), Some((Toward::Until, 1.0)));
    for q in [
        "time() - x > 10 * max(y)",
        "x - time() + 5 > 3",
        "x < time()",
        "vector(time()) - 60 > 1800",
    ] {
        let read = compared(&parse(q).unwrap())
            .and_then(|c| contradiction(&c, &["No success for 30 minutes, not since."]));
        assert_eq!(read, None, "{q}");
    }
}
