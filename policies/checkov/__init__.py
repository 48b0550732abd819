"""checkov external-checks directory: `checkov -d . --external-checks-dir policies/checkov`.

checkov imports every other ``.py`` file here by its file name; keep the names prefixed
(``costrail_*``) so they never shadow a real module.
"""
