"""kgan.runs.train: one RunOptions record behind the keywords."""

import json

import pytest

import kgan
from kgan.errors import ConfigurationError
from kgan.runs import RunOptions


def test_an_unknown_option_is_refused_with_the_options_there_are(tmp_path):
    with pytest.raises(ConfigurationError, match="train.. has no option 'epoch'; the options are architecture, dataset, loss, epochs"):
        kgan.runs.train("mlp", dataset="ring8", epoch=1, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_a_record_is_the_start_and_keywords_change_it(tmp_path):
    options = RunOptions(architecture="mlp", dataset="ring8", epochs=3, batch_size=500, evaluate_every=0, verbose=0, out=str(tmp_path / "a"))
    kgan.runs.train(options=options, epochs=1)
    record = json.loads((tmp_path / "a" / "run.json").read_text())["options"]
    assert (record["architecture"], record["dataset"], record["epochs"], record["batch_size"]) == ("mlp", "ring8", 1, 500)
