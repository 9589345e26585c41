import pickle

import numpy as np
import pytest

import capsim


def test_read_the_bundled_week_through_cloudwatch(source_dir):
    week = source_dir / "scenarios" / "data" / "azure-llm-2024" / "coding_per_minute.get-metric-data.json"
    r = capsim.read_trace([week])
    t = r.trace
    # shape_summary of the Azure 2024 coding trace: 10,080 minutes, 16,803,371 requests, min 72, max 5,773.
    assert len(t) == 10080 and t.period_s == 60 and r.period_inferred
    assert t.start_utc == "2024-05-10T00:00:00Z"
    assert t.values.sum() == 16803371 and t.values.min() == 72 and t.values.max() == 5773
    s = capsim.summarize_trace(t)
    assert s["total"] == 16803371 and s["hourly_mean"].shape == (24,)
    five, warnings = capsim.resample_trace(t, 300)
    assert len(five) == 2016 and five.values.sum() == 16803371 and warnings == []
    assert pickle.loads(pickle.dumps(t)).values.tolist() == t.values.tolist()


def test_request_log_keeps_tokens(source_dir):
    f = source_dir / "scenarios" / "data" / "azure-llm-2023" / "code_requests.csv"
    r = capsim.read_trace([f], format="azure-llm-csv", time_zone="UTC", period_s=60)
    assert len(r.requests) == 8819 and r.trace.values.sum() == 8819
    # The first row: 2023-11-16 18:17:03.9799600, 4808 context tokens, 10 generated.
    assert r.requests.arrivals_us[0].astype("datetime64[us]") == np.datetime64("2023-11-16T18:17:03.979960")
    assert r.requests.input_tokens[0] == 4808 and r.requests.output_tokens[0] == 10


def test_bad_trace_names_file_and_position(data_dir):
    with pytest.raises(capsim.TraceError, match=r"length_mismatch.json: /MetricDataResults/0/Values: expected as many Values"):
        capsim.read_trace([data_dir / "bad" / "cloudwatch" / "length_mismatch.json"])
    with pytest.raises(ValueError, match="unit: expected"):
        capsim.read_trace([data_dir / "cloudwatch" / "gms_sum.json"], unit="rps")
