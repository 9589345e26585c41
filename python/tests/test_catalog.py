import pytest

import capsim


def test_builtin_catalog_has_the_bundled_types():
    cat = capsim.builtin_catalog()
    assert len(cat) == 80
    g5 = cat.at("g5.12xlarge")
    # scenarios/data/aws-us-east-1/instance_catalog.csv: 4 A10G, 22,888 MiB each, USD 5.672/h.
    assert (g5.gpus, g5.gpu_model, g5.gpu_memory_mib_per_gpu) == (4, "a10g", 22888)
    assert g5.ondemand_usd_per_h == pytest.approx(5.672)
    assert g5.accelerated
    assert not cat.at("m5.large").accelerated
    assert cat.find("g5.huge") is None
    assert "g5.xlarge" in cat


def test_unknown_type_names_close_matches():
    cat = capsim.builtin_catalog()
    with pytest.raises(capsim.Error, match="closest: g5.xlarge"):
        cat.at("g5.xlarg")
    with pytest.raises(capsim.Error, match="unknown builtin catalog 'aws-us-east-2'"):
        capsim.builtin_catalog("aws-us-east-2")


def test_catalog_cli_refuses_a_requirement_written_as_one_word(cli):
    # "KEY=VALUES" as one word was an internal error (an index past the words given).
    import subprocess
    p = subprocess.run([cli, "catalog", "--require", "karpenter.k8s.aws/instance-family=g5,g6"], capture_output=True, text=True)
    assert p.returncode == 2
    assert ("--require 'karpenter.k8s.aws/instance-family=g5,g6': expected KEY OP [VALUES] as separate words, such as "
            "--require karpenter.k8s.aws/instance-family In g5,g6") in p.stderr
