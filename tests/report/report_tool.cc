// SPDX-License-Identifier: GPL-2.0
// `report_tool INPUT... -o FILE`: buddyctl report on its own, for the browser
// test (and for trying the report before the CLI dispatches to it).
#include "buddyctl/report.h"

int main(int argc, char** argv) { return buddyctl::report::ReportMain(argc, argv); }
