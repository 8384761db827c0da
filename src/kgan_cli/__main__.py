from kgan_cli.app import main

main()
