from kgan.cli.main import main

main()
